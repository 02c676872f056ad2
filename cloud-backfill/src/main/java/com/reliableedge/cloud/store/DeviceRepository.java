package com.reliableedge.cloud.store;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.panache.common.Sort;

/** The device registry's rows; reads and writes run in the caller's transaction. */
@ApplicationScoped
public class DeviceRepository {

    /** The device, or null when it is not registered. */
    public DeviceEntity find(String deviceId) {
        return DeviceEntity.findById(deviceId);
    }

    /** Every device in id order. */
    public List<DeviceEntity> all() {
        return DeviceEntity.listAll(Sort.by("deviceId"));
    }
}
