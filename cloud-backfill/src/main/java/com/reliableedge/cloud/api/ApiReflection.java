package com.reliableedge.cloud.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The operator API's bodies that leave through a {@code Response} built in code (201 answers, error mappers, the
 * operator key filter): Quarkus REST registers the types of endpoint signatures, not entities inside a Response, so a
 * native image keeps these here (found by JacksonReflectionTest).
 */
@RegisterForReflection(targets = {ErrorResponse.class, DeviceResource.DeviceView.class, Views.RequestView.class})
final class ApiReflection {

    private ApiReflection() {
    }
}
