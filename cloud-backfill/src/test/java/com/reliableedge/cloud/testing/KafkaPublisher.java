package com.reliableedge.cloud.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * Plays IoT Hub's routing to Kafka: an idempotent acks=all producer of records keyed by device id, with the
 * HTTP-named headers of the envelope and the body as value.
 */
public final class KafkaPublisher implements AutoCloseable {

    /** What was sent: where it landed and its messageId. */
    public record Sent(int partition, long offset, String messageId) {
    }

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaPublisher(String bootstrapServers, String topic) {
        this.topic = topic;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
    }

    /** Sends a raw record (key, headers, value as given) to {@code partition} (null: by key) and waits for it. */
    public Sent send(Integer partition, byte[] key, Map<String, byte[]> headers, byte[] value, String messageId) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, key, value);
        headers.forEach((name, v) -> record.headers().add(name, v));
        try {
            RecordMetadata m = producer.send(record).get();
            return new Sent(m.partition(), m.offset(), messageId);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker did not take the record", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a device message with {@code envelope}'s headers. */
    public Sent send(Integer partition, String deviceId, Envelope envelope, byte[] body) {
        return send(partition, deviceId.getBytes(StandardCharsets.UTF_8), headers(envelope), body, envelope
                .messageId());
    }

    /** The record headers of {@code envelope}: named as on HTTP, values in UTF-8. */
    public static Map<String, byte[]> headers(Envelope envelope) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        HttpHeaderCodec.encode(envelope).forEach((k, v) -> headers.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    /** A live batch of the simulator's events in {@code [start, end)}. */
    public Sent live(Integer partition, String deviceId, String batchId, long start, long end, long seq) {
        var events = Edge.events(batchId, IndexKind.SEQUENCE, start, end);
        Envelope envelope = Envelope.of(deviceId, MessageProperties.live(batchId, IndexKind.SEQUENCE, new Window(
                start, end), events.size(), seq, 0));
        return send(partition, deviceId, envelope, BatchBody.join(events));
    }

    @Override
    public void close() {
        producer.close();
    }
}
