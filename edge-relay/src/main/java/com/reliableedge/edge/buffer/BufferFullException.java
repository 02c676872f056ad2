package com.reliableedge.edge.buffer;

/** The disk (or the store's own size limit) is full: the step was not written; try again when space returns. */
public class BufferFullException extends BufferException {

    public BufferFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
