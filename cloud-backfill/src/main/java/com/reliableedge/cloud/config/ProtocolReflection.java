package com.reliableedge.cloud.config;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.StreamKey;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The protocol library's types that may be serialized by Jackson in this app, registered for reflection in one
 * place so that a native image keeps them. (The method payloads have their own tree-based codec and need none.)
 */
@RegisterForReflection(targets = {Window.class, Window.class, StreamKey.class, IndexKind.class,
        BackfillResponse.Result.class, BackfillStatus.Outcome.class})
public final class ProtocolReflection {

    private ProtocolReflection() {
    }
}
