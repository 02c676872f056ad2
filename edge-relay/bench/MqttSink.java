import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The MQTT benchmark's receiver, the counterpart of AckSink: subscribes {@code devices/+/messages/events/#} at QoS 1
 * with a persistent session (as the cloud's ingest does) and prints, once a second, messages, events (from the
 * {@code eventCount} in each topic's property bag) and body bytes received in that second, in AckSink's format.
 * Run: java -cp org.eclipse.paho.client.mqttv3-1.2.5.jar edge-relay/bench/MqttSink.java tcp://127.0.0.1:18883
 */
public class MqttSink {

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "tcp://127.0.0.1:18883";
        AtomicLong messages = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        MqttClient client = new MqttClient(url, "bench-sink", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setMaxInflight(1000);
        options.setAutomaticReconnect(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                System.out.println("connection lost: " + cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                bytes.addAndGet(message.getPayload().length);
                events.addAndGet(eventCount(topic));
                messages.incrementAndGet();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options);
        client.subscribe("devices/+/messages/events/#", 1);
        System.out.println("mqtt sink on " + url);
        long lastMessages = 0;
        long lastEvents = 0;
        long lastBytes = 0;
        while (true) {
            Thread.sleep(1000);
            long m = messages.get();
            long e = events.get();
            long b = bytes.get();
            System.out.printf("%d msg/s %d events/s %.1f MB/s%n", m - lastMessages, e - lastEvents,
                    (b - lastBytes) / 1e6);
            lastMessages = m;
            lastEvents = e;
            lastBytes = b;
        }
    }

    /** {@code eventCount} of the bag after {@code /messages/events/}; 0 when absent. */
    static long eventCount(String topic) {
        int at = topic.indexOf("/messages/events/");
        String bag = at < 0 ? "" : topic.substring(at + "/messages/events/".length());
        for (String pair : bag.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals("eventCount")) {
                return Long.parseLong(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return 0;
    }
}
