#!/bin/sh
# Load run of the packaged edge relay: two sequence streams of 100-byte events at <rate per stream> each, sending to
# the ack-only sink (java edge-relay/bench/AckSink.java 18080 > /tmp/sink.log &), which must already run.
# Prints the median of the sink's per-second event counts over the last <seconds> and the relay's RSS.
# usage: edge-relay/bench/load-run.sh <rate per stream> <seconds>
# Over MQTT (mosquitto -c edge-relay/bench/mosquitto.conf, and MqttSink instead of AckSink):
#   UPSTREAM_OPTS="-Drelay.upstream.kind=mqtt -Drelay.upstream.mqtt.url=tcp://127.0.0.1:18883" edge-relay/bench/load-run.sh …
# RELAY_JAR picks the relay build (default: main's).
rm -rf /tmp/bench-data
MALLOC_ARENA_MAX=2 java -Xms16m -Xmx40m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=64m -Xss512k -XX:MaxDirectMemorySize=16m \
  -Dquarkus.http.port=18081 -Drelay.data-dir=/tmp/bench-data \
  -Drelay.connection-string='HostName=127.0.0.1;DeviceId=bench;SharedAccessKey=ZGV2LW9ubHkta2V5LWZvci10aGUtZWRnZS1yZWxheSE=' \
  ${UPSTREAM_OPTS:--Drelay.upstream.http.url=http://127.0.0.1:18080} \
  -Drelay.source.simulator.streams=seq-1,seq-2 -Drelay.source.simulator.sequence-streams=seq-1,seq-2 \
  -Drelay.source.simulator.sequence-rate=$1 -Drelay.source.simulator.event-bytes=100 \
  -jar ${RELAY_JAR:-/work/main/edge-relay/target/quarkus-app/quarkus-run.jar} > /tmp/bench-relay.log 2>&1 &
PID=$!
sleep 10
: > /tmp/rss.log
i=0
while [ $i -lt $2 ]; do sleep 5; ps -o rss= -p $PID >> /tmp/rss.log; i=$((i+5)); done
N=$(( $2 ))
tail -$N /tmp/sink.log | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print "median events/s", a[int((NR+1)/2)]}'
sort -n /tmp/rss.log | awk '{a[NR]=$1} END {print "median rss KB", a[int((NR+1)/2)], "max", a[NR]}'
curl -s 127.0.0.1:18081/q/metrics | grep -E "^relay_buffer_messages"
kill $PID
uptime
