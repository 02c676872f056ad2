// Azure Functions custom handler: the host POSTs each timer invocation to /one-shot on FUNCTIONS_CUSTOMHANDLER_PORT;
// this runs the cloud service's one-shot mode once and answers when it exited. A non-zero exit code answers 500,
// which the host records as a failed invocation. The run's configuration is the function app's settings (they
// are environment variables: BACKFILL_*, QUARKUS_DATASOURCE_*); BACKFILL_MODE is set here.
'use strict';
const http = require('http');
const { spawn } = require('child_process');

const port = Number(process.env.FUNCTIONS_CUSTOMHANDLER_PORT || 8080);
const java = process.env.ONE_SHOT_JAVA || 'java';
const jar = process.env.ONE_SHOT_JAR || 'quarkus-app/quarkus-run.jar';
let running = false;

function runOnce(done) {
  const lines = [];
  const child = spawn(java, ['-XX:+ExitOnOutOfMemoryError', '-XX:+UseSerialGC', '-jar', jar], {
    env: Object.assign({}, process.env, { BACKFILL_MODE: 'one-shot' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => chunk.toString().split('\n').filter((l) => l.startsWith('one-shot: ')).forEach((l) => lines.push(l));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (e) => done(127, [`one-shot: cannot start ${java}: ${e.message}`]));
  child.on('exit', (code, signal) => done(code === null ? 128 : code, signal ? lines.concat([`one-shot: killed by ${signal}`]) : lines));
}

http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/one-shot') {
    res.writeHead(404).end();
    return;
  }
  req.resume();
  if (running) {
    // The timer trigger is a singleton; this guards a manual invocation beside a scheduled one.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ Outputs: {}, Logs: ['one-shot: a run is still going; skipped'], ReturnValue: null }));
    return;
  }
  running = true;
  runOnce((code, logs) => {
    running = false;
    res.writeHead(code === 0 ? 200 : 500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ Outputs: {}, Logs: logs, ReturnValue: code }));
  });
}).listen(port, '127.0.0.1');
