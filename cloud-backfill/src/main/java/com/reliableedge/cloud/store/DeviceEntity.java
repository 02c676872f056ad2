package com.reliableedge.cloud.store;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A registered device: its key (signs both directions of the HTTP binding) and its method URL. */
@Entity
@Table(name = "device")
public class DeviceEntity extends PanacheEntityBase {

    @Id
    @Column(name = "device_id")
    public String deviceId;

    @Column(name = "shared_key", nullable = false)
    public String sharedKey;

    /** Null for a device reached over MQTT or IoT Hub. */
    @Column(name = "method_url")
    public String methodUrl;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
