package com.reliableedge.cloud.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Every 4xx answer's body: what is wrong, and the field and value at fault when there is one. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ErrorResponse(String error, String field, String value) {
}
