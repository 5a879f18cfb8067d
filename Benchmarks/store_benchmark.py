#!/usr/bin/env python3
"""Component store benchmark (issue 6), run by Benchmarks/store-benchmark.sh.

Measures, on this machine and in one run:
  * `langbuilder store install` of a 5 MB bundle (5 MiB of incompressible data in .rodata) from a store served on
    loopback by `langbuilder store serve`: wall time of the whole command, fresh data directory each time, median
    and min of N;
  * publish to live: a `langbuilder serve` synced with the store (interval 0, auto-update on) has the bundle
    installed; a new version is published (`store publish`, timed separately), then `POST /api/v1/store/sync` is
    sent and `/api/v1/all` polled until it shows the new version; median of N.

Usage: store_benchmark.py BIN_DIR [--installs N] [--publishes N]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = r'''
#include "langbuilder_bundle.h"
#include <string.h>
LB_BUNDLE_HOST_API;
__asm__(".pushsection .rodata\n.incbin \"PADDING\"\n.popsection\n");
static int32_t echo_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_string text = lb_value_present(&in[0]) ? lb_value_text(&in[0]) : (lb_string){"", 0};
    char *copy = lb_arena_copy(lb_host, ctx, text.ptr, text.len);
    if (copy == NULL) return lb_fail(lb_host, ctx, "out of memory");
    lb_set_string(&out[0], copy, text.len);
    return LB_OK;
}
static lb_input_port inputs[] = {
    {sizeof(lb_input_port), 0, "input_value", "Text", "What to echo", "str", LB_NAMES("str", "Message"), NULL, NULL},
};
static lb_output_port outputs[] = {{sizeof(lb_output_port), 0, "message", "Message", LB_NAMES("Message", "str")}};
static lb_component components[] = {
    {sizeof(lb_component), LB_COMPONENT_THREADSAFE, "BenchEcho", "Bench echo BUNDLE_VERSION", "Echoes.", "testing", "Repeat",
     inputs, 1, sizeof(lb_input_port), outputs, 1, sizeof(lb_output_port), NULL, echo_run, NULL, NULL, NULL},
};
static lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
static lb_bundle_descriptor descriptor = {
    sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "bench.store.echo", "BUNDLE_VERSION", "Bench echo",
    "A 5 MB bundle.", "MIT", NULL, components, 1, sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
};
LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi, const lb_host_api *host);
LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi, const lb_host_api *host)
{
    (void)host_abi;
    lb_host = host;
    return &descriptor;
}
'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


def package(bin_dir, work, version, padding):
    build = os.path.join(work, "build-" + version)
    os.makedirs(build)
    source = os.path.join(build, "echo.c")
    with open(source, "w") as f:
        f.write(SOURCE.replace("PADDING", padding).replace("BUNDLE_VERSION", version))
    library = os.path.join(build, "libbench-echo.so")
    run("cc", "-std=c11", "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-I", os.path.join(ROOT, "Sources/CLangBuilderABI/include"),
        "-o", library, source)
    run(os.path.join(bin_dir, "langbuilder-bundle-tool"), "package", library, "--output", build)
    return os.path.join(build, "bench-echo.lbbundle")


def wait_http(url, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not answer")


def request(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=60) as response:
        return response.status, response.read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin_dir")
    parser.add_argument("--installs", type=int, default=10)
    parser.add_argument("--publishes", type=int, default=5)
    args = parser.parse_args()
    lb = os.path.join(args.bin_dir, "langbuilder")
    work = tempfile.mkdtemp(prefix="langbuilder-store-bench-")
    processes = []
    try:
        padding = os.path.join(work, "padding.bin")
        with open(padding, "wb") as f:
            f.write(os.urandom(5 * 1024 * 1024))
        store, key = os.path.join(work, "store"), os.path.join(work, "store.key")
        public = run(lb, "store", "keygen", key).strip().splitlines()[-1]
        run(lb, "store", "publish", package(args.bin_dir, work, "1.0.0", padding), "--store", store, "--key", key)
        artifact_size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(store, "artifacts")) for f in fs)

        port = free_port()
        processes.append(subprocess.Popen([lb, "store", "serve", store, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/index.json")
        times = []
        for i in range(args.installs):
            data = os.path.join(work, f"data-{i}")
            started = time.perf_counter()
            run(lb, "store", "install", "bench-echo", "--store", url, "--trusted-key", public, "--data-dir", data)
            times.append(time.perf_counter() - started)
        print(f"install of a {artifact_size / 1048576:.1f} MiB artifact from a loopback store (store serve), {args.installs} runs: "
              f"median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms")

        # Publish to live in a running server.
        data = os.path.join(work, "server-data")
        server_port = free_port()
        environment = dict(os.environ, LANGBUILDER_BUNDLES_PATH="", LANGBUILDER_SUPERUSER_PASSWORD="bench-password")
        processes.append(subprocess.Popen(
            [lb, "serve", "--port", str(server_port), "--data-dir", data, "--bundles-dir", os.path.join(data, "bundles"),
             "--store", url, "--trusted-key", public, "--store-sync-interval", "0", "--store-auto-update"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment))
        base = f"http://127.0.0.1:{server_port}"
        wait_http(base + "/health")
        login = urllib.request.Request(base + "/api/v1/login", data=b"username=langflow&password=bench-password", method="POST")
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(login, timeout=30) as response:
                    token = json.loads(response.read())["access_token"]
                    break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        request("POST", base + "/api/v1/store/install", token, {"name": "bench-echo"})
        publish_times, live_times = [], []
        for i in range(args.publishes):
            version = f"1.{i + 1}.0"
            bundle = package(args.bin_dir, work, version, padding)
            started = time.perf_counter()
            run(lb, "store", "publish", bundle, "--store", store, "--key", key)
            published = time.perf_counter()
            request("POST", base + "/api/v1/store/sync", token)
            while f"Bench echo {version}" not in request("GET", base + "/api/v1/all", token)[1]:
                time.sleep(0.005)
            live = time.perf_counter()
            publish_times.append(published - started)
            live_times.append(live - published)
        print(f"publish (store publish of a 5 MiB bundle), {args.publishes} runs: median {statistics.median(publish_times) * 1000:.0f} ms")
        print(f"published to live at /api/v1/all in a running server (sync + download + checks + validate + dlopen + registry swap), "
              f"{args.publishes} runs: median {statistics.median(live_times) * 1000:.0f} ms, max {max(live_times) * 1000:.0f} ms")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
