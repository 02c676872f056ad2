package com.reliableedge.edge.buffer;

/** The buffer could not do what was asked; nothing of the failed step was written. */
public class BufferException extends RuntimeException {

    public BufferException(String message, Throwable cause) {
        super(message, cause);
    }
}
