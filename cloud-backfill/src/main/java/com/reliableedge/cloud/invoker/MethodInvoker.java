package com.reliableedge.cloud.invoker;

import com.reliableedge.protocol.method.BackfillRequest;

/**
 * Calls the {@code backfill} direct method on a device (PROTOCOL.md section 5). Contract (checked by
 * {@code MethodInvokerContractTest} for every implementation): it returns the device's status code and payload when
 * the device answered, and {@link MethodResult#noAnswer} for no answer, a timeout, a transport or hub error; it
 * never throws for those. It returns within its configured connect plus response timeouts, which must stay below the
 * claim lease of the request it sends.
 */
public interface MethodInvoker {

    MethodResult invoke(MethodTarget target, BackfillRequest request);
}
