package com.reliableedge.cloud.queue;

/** The retry queue could not be reached or opened (at startup: the Azure queue and its poison queue). */
public class RetryQueueUnreachableException extends IllegalStateException {

    public RetryQueueUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
