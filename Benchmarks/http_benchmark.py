#!/usr/bin/env python3
"""HTTP benchmark of `langbuilder serve` (issue 4), run by Benchmarks/http-benchmark.sh after a release build.

Measures, on this machine and in one run:
  * start to first `GET /health` 200 (fresh data directory, and a restart on existing data), median of N starts;
  * resident memory (VmRSS) after start and after the load;
  * `POST /api/v1/run/{id}` on a ChatInput -> ChatOutput flow (the first-party langflow-io components) with wrk
    on loopback: p50 at 1 connection, throughput and p99 at 16 connections;
  * the same wrk runs against a plain Hummingbird hello-world route (`langbuilder-hello-bench`), the baseline, and
    against the floor (`langbuilder-floor-bench`: the same request answered with only the work any server must do,
    HTTP, JSON and the run's four SQLite rows, see Benchmarks/FloorServer/main.swift), alternating with the run's in
    rounds (medians), with each server's CPU time per request at 16 connections.

Usage: http_benchmark.py BIN_DIR BUNDLES_DIR [--duration SECONDS] [--starts N] [--rounds N]
(http-benchmark.sh passes the release build directory as both: the server loads every first-party bundle, as by default.)
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

LUA_RUN = """
wrk.method = "POST"
wrk.body = '{"input_value":"hello","input_type":"chat","output_type":"chat"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = os.getenv("LB_KEY")
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def start_server(bin_dir, bundles, data, port):
    env = dict(os.environ, LANGBUILDER_BUNDLES_PATH="", LANGBUILDER_SUPERUSER_PASSWORD="bench-password",
               LANGBUILDER_LOG_LEVEL="warning")
    started = time.perf_counter()
    process = subprocess.Popen(
        [os.path.join(bin_dir, "langbuilder"), "serve", "--port", str(port), "--data-dir", data, "--bundles-dir", bundles],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not health_ok(port):
        if process.poll() is not None:
            raise SystemExit("langbuilder serve exited early")
        time.sleep(0.0005)
        if time.perf_counter() - started > 60:
            raise SystemExit("langbuilder serve did not answer /health within 60 s")
    return process, (time.perf_counter() - started) * 1000


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def request(port, method, path, body=None, headers=None, form=False):
    data = None
    headers = dict(headers or {})
    if body is not None:
        if form:
            data = body.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers)
    with urllib.request.urlopen(req) as response:
        return json.loads(response.read() or b"null")


def wrk(url, connections, threads, duration, script=None, env=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, env=env, check=True).stdout
    def ms(label):
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {"p50_ms": ms("50%"), "p99_ms": ms("99%"), "rps": rps, "non2xx": int(errors.group(1)) if errors else 0, "requests": total}


def cpu_seconds(pid):
    """User + system CPU time the process used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def recorded_runs(data, flow_id):
    """Runs of the flow whose records reached the SQLite file: two chat messages each (ChatInput, ChatOutput).
    Messages, not transactions: a flow keeps only its newest 3000 transactions (LANGBUILDER_MAX_TRANSACTIONS_TO_KEEP)."""
    import sqlite3
    connection = sqlite3.connect(os.path.join(data, "langbuilder.db"))
    try:
        rows = connection.execute(
            'SELECT COUNT(*) FROM message WHERE flow_id = ? OR flow_id = ?', (flow_id, flow_id.upper())).fetchone()[0]
    finally:
        connection.close()
    return rows // 2


def flow(name):
    def node(node_id, kind):
        return {"id": node_id, "type": "genericNode", "position": {"x": 0, "y": 0},
                "data": {"id": node_id, "type": kind, "node": {"template": {"_type": "Component"}}}}
    edge = {"id": "e1", "source": "ChatInput-1", "target": "ChatOutput-1", "data": {
        "sourceHandle": {"dataType": "ChatInput", "id": "ChatInput-1", "name": "message", "output_types": ["Message"]},
        "targetHandle": {"fieldName": "input_value", "id": "ChatOutput-1", "inputTypes": ["Message"], "type": "str"}}}
    return {"name": name, "endpoint_name": name,
            "data": {"nodes": [node("ChatInput-1", "ChatInput"), node("ChatOutput-1", "ChatOutput")], "edges": [edge]}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin_dir")
    parser.add_argument("bundles")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--starts", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="lb-http-bench-")
    try:
        # Start-up: fresh data directories (migrations, secret, superuser with a 600k-iteration PBKDF2 hash), then
        # restarts on one existing data directory.
        fresh, again = [], []
        for i in range(args.starts):
            port = free_port()
            process, ms = start_server(args.bin_dir, args.bundles, os.path.join(root, f"fresh-{i}"), port)
            fresh.append(ms)
            stop(process)
        data = os.path.join(root, "data")
        process, _ = start_server(args.bin_dir, args.bundles, data, free_port())
        stop(process)
        for _ in range(args.starts):
            process, ms = start_server(args.bin_dir, args.bundles, data, free_port())
            again.append(ms)
            stop(process)

        port = free_port()
        process, _ = start_server(args.bin_dir, args.bundles, data, port)
        time.sleep(1)
        rss_idle = rss_kib(process.pid)
        token = request(port, "POST", "/api/v1/login", "username=langflow&password=bench-password", form=True)["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        flow_id = request(port, "POST", "/api/v1/flows/", flow("bench-echo"), auth)["id"]
        key = request(port, "POST", "/api/v1/api_key/", {"name": "bench"}, auth)["api_key"]
        check = request(port, "POST", f"/api/v1/run/{flow_id}", {"input_value": "check"}, {"x-api-key": key})
        assert "check" in json.dumps(check), check
        script = os.path.join(root, "run.lua")
        with open(script, "w") as f:
            f.write(LUA_RUN)
        env = dict(os.environ, LB_KEY=key)
        url = f"http://127.0.0.1:{port}/api/v1/run/{flow_id}"

        def start_baseline(name, *arguments):
            baseline_port = free_port()
            baseline = subprocess.Popen([os.path.join(args.bin_dir, name), str(baseline_port), *arguments],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while True:
                try:
                    socket.create_connection(("127.0.0.1", baseline_port), timeout=0.2).close()
                    return baseline, baseline_port
                except OSError:
                    time.sleep(0.01)
        hello, hello_port = start_baseline("langbuilder-hello-bench")
        floor, floor_port = start_baseline("langbuilder-floor-bench", os.path.join(root, "floor.db"))
        # Each target: its process, URL and wrk script.
        targets = {"run": (process, url, script), "hello": (hello, f"http://127.0.0.1:{hello_port}/", None),
                   "floor": (floor, f"http://127.0.0.1:{floor_port}/api/v1/run/{flow_id}", script)}

        # Rounds alternate the servers, so that a machine whose speed drifts (shared cores) slows them alike;
        # each figure is the median over the rounds, and so are the ratios of the throughputs.
        for _, target_url, target_script in targets.values():
            wrk(target_url, 1, 1, 2, target_script, env)  # warm-up
        rounds = {f"{name}{c}": [] for name in targets for c in (1, 16)}
        rounds.update({f"cpu_{name}": [] for name in targets})
        rounds.update({"ratio": [], "floor_ratio": []})
        for _ in range(args.rounds):
            for name, (target, target_url, target_script) in targets.items():
                rounds[f"{name}1"].append(wrk(target_url, 1, 1, args.duration, target_script, env))
            for name, (target, target_url, target_script) in targets.items():
                before = cpu_seconds(target.pid)
                sixteen = wrk(target_url, 16, 2, args.duration, target_script, env)
                rounds[f"cpu_{name}"].append(1e6 * (cpu_seconds(target.pid) - before) / sixteen["requests"])
                rounds[f"{name}16"].append(sixteen)
            rounds["ratio"].append(rounds["run16"][-1]["rps"] / rounds["hello16"][-1]["rps"])
            rounds["floor_ratio"].append(rounds["floor16"][-1]["rps"] / rounds["hello16"][-1]["rps"])
        for baseline in (hello, floor):
            baseline.send_signal(signal.SIGTERM)
            baseline.wait(timeout=30)
        rss_loaded = rss_kib(process.pid)
        # The recorder writes off the response path: wait until it stops growing, then compare with the runs made.
        previous, recorded, waited = -1, 0, 0.0
        while waited < 60:
            recorded = recorded_runs(data, flow_id)
            if recorded == previous:
                break
            previous = recorded
            time.sleep(1)
            waited += 1
        rss_drained = rss_kib(process.pid)
        stop(process)

        def median(key, field):
            return statistics.median(r[field] for r in rounds[key])
        measured = sum(r["requests"] for key in ("run1", "run16") for r in rounds[key])
        errors = sum(r["non2xx"] for name in targets for c in (1, 16) for r in rounds[f"{name}{c}"])
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
        print(f"machine: {os.cpu_count()} cores, {cpu}; wrk {args.duration} s per measurement, {args.rounds} rounds, medians")
        print(f"start to first /health 200, fresh data dir:    median {statistics.median(fresh):7.1f} ms  (n={len(fresh)}, min {min(fresh):.1f}, max {max(fresh):.1f})")
        print(f"start to first /health 200, existing data dir: median {statistics.median(again):7.1f} ms  (n={len(again)}, min {min(again):.1f}, max {max(again):.1f})")
        print(f"RSS after start: {rss_idle / 1024:.1f} MiB; after the load: {rss_loaded / 1024:.1f} MiB; "
              f"once the recorder caught up: {rss_drained / 1024:.1f} MiB")
        print(f"runs recorded in SQLite: {recorded} (wrk made {measured} measured runs, "
              f"plus warm-up and check; the recorder caught up {waited:.0f} s after the load)")
        print(f"{'':34} {'p50 @1':>10} {'req/s @1':>10} {'p50 @16':>10} {'p99 @16':>10} {'req/s @16':>10} {'CPU/req @16':>12}")
        for name, one, sixteen, cpu_key in (("POST /api/v1/run (ChatIn->ChatOut)", "run1", "run16", "cpu_run"),
                                            ("floor (see FloorServer/main.swift)", "floor1", "floor16", "cpu_floor"),
                                            ("hello-world route (baseline)", "hello1", "hello16", "cpu_hello")):
            print(f"{name:34} {median(one, 'p50_ms'):8.3f}ms {median(one, 'rps'):10.0f} {median(sixteen, 'p50_ms'):8.3f}ms "
                  f"{median(sixteen, 'p99_ms'):8.3f}ms {median(sixteen, 'rps'):10.0f} {statistics.median(rounds[cpu_key]):9.1f} µs")
        print(f"non-2xx responses: {errors}")
        ratios = ", ".join(f"{100 * r:.0f} %" for r in rounds["ratio"])
        print(f"run throughput at 16 connections = {100 * statistics.median(rounds['ratio']):.0f} % of the hello-world route "
              f"(median of the rounds: {ratios})")
        ratios = ", ".join(f"{100 * r:.0f} %" for r in rounds["floor_ratio"])
        print(f"floor throughput at 16 connections = {100 * statistics.median(rounds['floor_ratio']):.0f} % of the hello-world route "
              f"(median of the rounds: {ratios})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
