package com.reliableedge.cloud.invoker;

/** Where and as whom to call a device: its method URL and key, from the device registry. */
public record MethodTarget(String deviceId, String methodUrl, String sharedKey) {

    @Override
    public String toString() {
        return "MethodTarget[" + deviceId + " at " + methodUrl + "]";
    }
}
