package com.reliableedge.cloud.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.JacksonReflectionAudit;
import com.reliableedge.protocol.index.Window;

/**
 * Native image readiness: every type this app hands to Jackson outside the endpoint signatures that Quarkus REST
 * registers itself (data-binding calls, entities of Responses built in code, and the app's types those hold) is
 * registered with {@code @RegisterForReflection} in the app's {@code *Reflection} holders; and every class name the
 * holders register exists, so that a renamed SDK class does not drop out silently. Reads the compiled classes of the
 * app and of the protocol library, so that code added later is covered too.
 */
class JacksonReflectionTest {

    private static JacksonReflectionAudit audit() throws URISyntaxException {
        Path protocol = Path.of(Window.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return JacksonReflectionAudit.of(List.of(Path.of("target/classes"), protocol));
    }

    @Test
    void everyTypeJacksonBindsOutsideEndpointSignaturesIsRegisteredForReflection() throws Exception {
        JacksonReflectionAudit audit = audit();
        assertThat(audit.needed()).as("types found that Jackson binds").isNotEmpty();
        assertThat(audit.unresolved()).as("call sites whose value's type the bytecode does not name: put the value in"
                + " a typed local variable or cast it, so that its type can be checked").isEmpty();
        assertThat(audit.missing()).as("types Jackson binds that no @RegisterForReflection covers: add them to"
                + " ProtocolReflection or the package's *Reflection holder").isEmpty();
    }

    @Test
    void everyClassNameTheHoldersRegisterExists() throws Exception {
        for (String name : audit().registeredClassNames()) {
            assertThatCode(() -> Class.forName(name, false, getClass().getClassLoader()))
                    .as("@RegisterForReflection(classNames) names " + name).doesNotThrowAnyException();
        }
    }
}
