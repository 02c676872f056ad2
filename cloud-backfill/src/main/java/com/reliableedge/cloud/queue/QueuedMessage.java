package com.reliableedge.cloud.queue;

/**
 * A received message.
 *
 * @param popReceipt proves this receipt of the message; needed to delete or hide it again
 * @param dequeueCount how many times it has been received, this time included
 */
public record QueuedMessage(String id, String popReceipt, String body, int dequeueCount) {
}
