package com.reliableedge.cloud.api;

/** A request the API refuses, with the status code and the JSON error that names the problem. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String field;
    private final String value;

    public ApiException(int status, String error, String field, String value) {
        super(error);
        this.status = status;
        this.field = field;
        this.value = value;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public String value() {
        return value;
    }

    public ErrorResponse toResponse() {
        return new ErrorResponse(getMessage(), field, value);
    }
}
