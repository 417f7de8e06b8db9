"""End-to-end benchmark: signed HTTP events into `deescalate serve` on a real Redis, whispers out to a
local Slack recorder; the same traffic into bench/reference_bot.py (the framework's floor).

    python bench/e2e_bench.py                 # 3 runs × concurrency 8 and 32, then Redis and memory figures
    python bench/e2e_bench.py --runs 5 --threads 2000 --memory-threads 100000

Per run and bot: N threads are opened (customer root + agent reply, not timed), then one angry customer
message per thread is sent at fixed concurrency. Measured at the client: ack latency; at the recorder:
the moment `chat.postEphemeral` for that thread arrives, minus the moment its event was sent
(event→whisper). Throughput = angry messages whose whisper arrived, per second of the timed phase.
Prints medians over the runs. Not part of CI (needs redis-server and a quiet machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.redis_server import RedisServer  # noqa: E402
from tests.support.signing import SignedSender, message_event  # noqa: E402

SECRET = "bench-signing-secret"
CHANNEL, CUSTOMER, AGENT = "CBENCH01", "UCUSTOMER", "U_AGENT"
ANGRY = [
    "This is RIDICULOUS. Third time I'm asking and nobody helps, I want a refund NOW or I'm cancelling!!!",
    "Still no answer?! Two weeks waiting for my money back, this is a scam and I'm done with you!!",
    "I've explained this FOUR times. Fix it today or I'm leaving a review everywhere, unacceptable!!!",
]


# ---- the Slack side: a recorder that answers instantly ------------------------------------------------


@dataclass
class Recorder:
    whispers: dict[str, float] = field(default_factory=dict)  # thread root -> arrival (monotonic)
    calls: int = 0
    waiters: list[tuple[int, asyncio.Future]] = field(default_factory=list)

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls += 1
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "bot", "team": "t"})
        if method == "chat.postEphemeral":
            data = await request.post() if request.content_type != "application/json" else await request.json()
            root = str(data.get("thread_ts", ""))
            self.whispers.setdefault(root, time.monotonic())
            for wanted, fut in list(self.waiters):
                if len(self.whispers) >= wanted and not fut.done():
                    fut.set_result(None)
            return web.json_response({"ok": True, "message_ts": "1.1"})
        if method == "chat.postMessage":
            return web.json_response({"ok": True, "channel": CHANNEL, "ts": f"{time.time():.6f}"})
        if method == "chat.getPermalink":
            return web.json_response({"ok": True, "permalink": "https://bench.slack.com/archives/C/p1"})
        return web.json_response({"ok": True})

    async def until(self, count: int, timeout: float) -> None:
        if len(self.whispers) >= count:
            return
        fut = asyncio.get_running_loop().create_future()
        self.waiters.append((count, fut))
        try:
            await asyncio.wait_for(fut, timeout)
        except asyncio.TimeoutError:
            pass


async def start_recorder() -> tuple[Recorder, web.AppRunner, int]:
    recorder = Recorder()
    app = web.Application()
    app.router.add_route("*", "/api/{method}", recorder.api)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return recorder, runner, runner.addresses[0][1]


# ---- the bots ----------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(kind: str, redis_url: str, api_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "REDIS_URL": redis_url,
        "DEESCALATE_SUPERVISOR_CHANNEL": "CSUPERVISE",
        "DEESCALATE_SUPERVISORS": "USUPER1",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    args = [sys.executable, "-m", "cli.main", "serve"] if kind == "deescalate" else [sys.executable, str(ROOT / "bench" / "reference_bot.py")]
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(f"/tmp/bench-{kind}.log", "w"))  # noqa: SIM115
    return proc, f"http://127.0.0.1:{port}"


async def wait_healthy(url: str, proc: subprocess.Popen) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if proc.poll() is not None:
                raise SystemExit(f"bot exited early; see /tmp/bench-*.log")
            try:
                async with session.get(url + "/healthz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise SystemExit(f"{url} never became healthy")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---- the traffic -------------------------------------------------------------------------------------


async def send_all(url: str, bodies: list[tuple[str, bytes, dict]], concurrency: int) -> list[tuple[str, float, float]]:
    """POST every (root, body, headers) with `concurrency` in flight; returns (root, sent at, ack latency)."""
    sender = SignedSender(url, SECRET)  # only for its URL; requests are already signed
    results: list[tuple[str, float, float]] = []
    queue = list(reversed(bodies))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while queue:
                root, body, headers = queue.pop()
                sent = time.monotonic()
                async with session.post(sender.base_url + "/slack/events", data=body, headers=headers) as answer:
                    await answer.read()
                    if answer.status != 200:
                        raise SystemExit(f"bot answered {answer.status}")
                results.append((root, sent, time.monotonic() - sent))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def signed(sender: SignedSender, event: dict) -> tuple[bytes, dict]:
    request = sender.event_request(event)
    return request.body, request.headers


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class RunResult:
    throughput: float
    ack_p50: float
    ack_p99: float
    whisper_p50: float
    whisper_p99: float
    delivered: int
    cpu_us: float = float("nan")  # the bot's CPU time per angry message (µs)


async def one_run(kind: str, url: str, recorder: Recorder, redis: RedisServer, threads: int, concurrency: int, run: int,
                  profile_pid: int | None = None, pid: int | None = None) -> RunResult:
    sender = SignedSender(url, SECRET)
    base = 1_800_000_000 + run * 100_000 + concurrency * 1_000_000
    roots = [f"{base + i}.000100" for i in range(threads)]
    opening = [(r, *signed(sender, message_event(CHANNEL, CUSTOMER, "Hi, my order has not arrived yet.", ts=r))) for r in roots]
    await send_all(url, opening, concurrency)
    await asyncio.sleep(0.3)
    replies = [(r, *signed(sender, message_event(CHANNEL, AGENT, "Thanks, checking that now.", thread_ts=r))) for r in roots]
    await send_all(url, replies, concurrency)
    await asyncio.sleep(0.5)  # let the (untimed) opening work drain
    recorder.whispers.clear()
    angry = [(r, *signed(sender, message_event(CHANNEL, CUSTOMER, ANGRY[i % len(ANGRY)], thread_ts=r))) for i, r in enumerate(roots)]
    profiler = None
    if profile_pid is not None:
        # Only the timed phase is sampled (the untimed openings are agent replies, a different path).
        # Blocking sampling (py-spy pauses the process per sample): slower, but --nonblocking was seen to
        # pile samples onto frames that cost microseconds. The profiled run is not reported.
        profiler = subprocess.Popen(["py-spy", "record", "--format", "raw", "-o", "/tmp/bench-profile.txt",
                                     "-r", "250", "-p", str(profile_pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await asyncio.sleep(1.0)
    cpu_before = cpu_seconds(pid) if pid else 0.0
    started = time.monotonic()
    acks = await send_all(url, angry, concurrency)
    await recorder.until(threads, timeout=60)
    cpu_used = cpu_seconds(pid) - cpu_before if pid else float("nan")
    if profiler is not None:
        profiler.send_signal(2)
        profiler.wait(30)
    sent_at = {root: sent for root, sent, _ in acks}
    latencies = [recorder.whispers[r] - sent_at[r] for r in roots if r in recorder.whispers]
    finished = max(recorder.whispers.values()) if recorder.whispers else time.monotonic()
    return RunResult(
        throughput=len(latencies) / (finished - started),
        ack_p50=pct([a for _, _, a in acks], 0.5) * 1000,
        ack_p99=pct([a for _, _, a in acks], 0.99) * 1000,
        whisper_p50=pct(latencies, 0.5) * 1000,
        whisper_p99=pct(latencies, 0.99) * 1000,
        delivered=len(latencies),
        cpu_us=cpu_used / threads * 1e6,
    )


# ---- Redis and memory figures ------------------------------------------------------------------------


def commandstats(client) -> dict[str, int]:  # noqa: ANN001
    return {k.removeprefix("cmdstat_"): v["calls"] for k, v in client.info("commandstats").items()}


async def redis_figures(url: str, recorder: Recorder, redis: RedisServer, sample: int = 200) -> dict:
    """Commands per angry message (all, and issued by the bot rather than inside Lua) and record sizes."""
    client = redis.client(decode_responses=True)
    sender = SignedSender(url, SECRET)
    roots = [f"{1_700_000_000 + i}.000200" for i in range(sample)]
    await send_all(url, [(r, *signed(sender, message_event(CHANNEL, CUSTOMER, "Hello, where is my order?", ts=r))) for r in roots], 8)
    await asyncio.sleep(0.3)
    await send_all(url, [(r, *signed(sender, message_event(CHANNEL, AGENT, "Checking now.", thread_ts=r))) for r in roots], 8)
    await asyncio.sleep(0.5)
    recorder.whispers.clear()
    before = commandstats(client)
    await send_all(url, [(r, *signed(sender, message_event(CHANNEL, CUSTOMER, ANGRY[0], thread_ts=r))) for r in roots], 8)
    await recorder.until(sample, timeout=30)
    await asyncio.sleep(0.5)
    after = commandstats(client)
    delta = {k: (after.get(k, 0) - before.get(k, 0)) / sample for k in after if after.get(k, 0) != before.get(k, 0)}
    for noise in ("info", "ping"):
        delta.pop(noise, None)
    # Round trips the bot makes: each EVALSHA is one (the SET NX, HGET, HSET and one EXPIRE it runs are
    # inside it); a counter flush is one pipeline (its HINCRBYs and ZADDs ride along, plus one EXPIRE
    # per key); anything else the bot sent on its own would be one each.
    evalsha = delta.get("evalsha", 0)
    flushes = round(max(0.0, delta.get("expire", 0) - evalsha) * sample)
    inside = {"evalsha", "set", "hget", "hset", "expire", "hincrby", "zadd"}
    direct = sum(v for k, v in delta.items() if k not in inside)

    # Record sizes: a typical 3-message thread, and a long one (the record is bounded).
    keys = [k for k in client.scan_iter("dx:{t:*}:rec", count=1000)]
    sizes = sorted(client.memory_usage(k) or 0 for k in keys[:500])
    json_sizes = sorted(len(client.hget(k, "d") or "") for k in keys[:500])
    long_root = "1700999999.000300"
    await send_all(url, [(long_root, *signed(sender, message_event(CHANNEL, CUSTOMER, "Where is my order?", ts=long_root)))], 1)
    await asyncio.sleep(0.2)
    for i in range(30):
        who, text = (AGENT, "I understand, let me check with the warehouse.") if i % 2 else (CUSTOMER, ANGRY[i % 3] + f" ({i})")
        await send_all(url, [(long_root, *signed(sender, message_event(CHANNEL, who, text, thread_ts=long_root)))], 1)
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)
    long_key = f"dx:{{t:{CHANNEL}:{long_root}}}:rec"
    return {
        "commands_per_message": delta,
        "round_trips": evalsha + direct,  # per angry message
        "flush_pipelines": flushes,  # upper bound: a flush writing two keys counts two here
        "record_bytes_p50": sizes[len(sizes) // 2] if sizes else 0,
        "record_json_p50": json_sizes[len(json_sizes) // 2] if json_sizes else 0,
        "long_record_bytes": client.memory_usage(long_key) or 0,
        "long_record_json": len(client.hget(long_key, "d") or ""),
    }


async def memory_figures(url: str, proc: subprocess.Popen, redis: RedisServer, total: int, touch: int) -> dict:
    """Bot RSS with `total` thread records in Redis, before and after `touch` of them are worked on."""
    client = redis.client(decode_responses=True)
    sample_key = next(iter(client.scan_iter("dx:{t:*}:rec", count=1000)))
    record = json.loads(client.hget(sample_key, "d"))
    idle = rss_mb(proc.pid)
    pipe = client.pipeline(transaction=False)
    for i in range(total):
        root = f"{1_600_000_000 + i}.000400"
        pipe.hset(f"dx:{{t:{CHANNEL}:{root}}}:rec", mapping={"v": 2, "d": json.dumps({**record, "root_ts": root}, separators=(",", ":"))})
        pipe.expire(f"dx:{{t:{CHANNEL}:{root}}}:rec", 14 * 86400)
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    populated = rss_mb(proc.pid)
    sender = SignedSender(url, SECRET)
    bodies = [(r, *signed(sender, message_event(CHANNEL, AGENT, "Still checking, thanks for waiting.", thread_ts=r)))
              for r in (f"{1_600_000_000 + i}.000400" for i in range(touch))]
    started = time.monotonic()
    await send_all(url, bodies, 32)
    await asyncio.sleep(2)
    touched = rss_mb(proc.pid)
    return {
        "threads_in_redis": client.dbsize(),
        "rss_idle_mb": idle,
        "rss_100k_in_redis_mb": populated,
        "rss_after_touch_mb": touched,
        "touched": touch,
        "touch_rate": touch / (time.monotonic() - started - 2),
        "redis_used_mb": client.info("memory")["used_memory"] / 2**20,
    }


def summarize_profile(path: str, top: int = 16) -> list[tuple[str, float]]:
    """Share of the bot's samples by area, from py-spy's raw stacks: each sample goes to the innermost
    frame that belongs to a known area (so shares add up to 100 % and nothing is counted twice)."""
    areas = [  # innermost match wins; more specific needles first
        ("phrasebook choose/fill", "phrasebook/"),
        ("detector", "bot/detector"),
        ("Block Kit + safety", "bot/whisper_blocks"),
        ("Block Kit + safety", "bot/safety"),
        ("whisper decision (bot/whisper.py)", "bot/whisper.py"),
        ("thread record (bot/case.py)", "bot/case.py"),
        ("json encode/decode", "json/"),
        ("redis-py", "redis/"),
        ("store (shell/store.py)", "shell/store.py"),
        ("slack_sdk Web API client", "slack_sdk/"),
        ("aiohttp client (to Slack)", "aiohttp/client"),
        ("aiohttp client (to Slack)", "aiohttp/connector"),
        ("Bolt dispatch + middleware", "slack_bolt/"),
        ("aiohttp server + HTTP parsing", "aiohttp/"),
        ("prometheus metrics", "prometheus_client"),
        ("our handlers (handlers/)", "handlers/"),
        ("our shell (shell/)", "shell/"),
        ("asyncio event loop, sockets", "asyncio/"),
        ("asyncio event loop, sockets", "selectors"),
    ]
    totals: dict[str, int] = {}
    samples = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples += int(count)
        area = "other"
        for frame in reversed(stack.split(";")):
            found = next((name for name, needle in areas if needle in frame), None)
            if found:
                area = found
                break
        totals[area] = totals.get(area, 0) + int(count)
    return sorted(((a, 100 * n / max(1, samples)) for a, n in totals.items()), key=lambda x: -x[1])[:top]


# ---- main --------------------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    recorder, runner, api_port = await start_recorder()
    api_url = f"http://127.0.0.1:{api_port}/api/"
    results: dict[tuple[str, int], list[RunResult]] = {}
    extra: dict = {"load": os.getloadavg()[0], "standin": await standin_capacity(api_url, args.concurrency)}
    with RedisServer() as redis:
        # Both bots run side by side (an idle one costs nothing) and their runs are interleaved, so a
        # burst of other work on the machine lands on both rather than on one bot's whole series.
        bots = {kind: launch(kind, redis.url, api_url) for kind in ("reference", "deescalate")}
        try:
            for proc, url in bots.values():
                await wait_healthy(url, proc)
            for run in range(args.runs):
                for concurrency in args.concurrency:
                    for kind, (proc, url) in bots.items():
                        redis.client().flushall()
                        result = await one_run(kind, url, recorder, redis, args.threads, concurrency, run, pid=proc.pid)
                        results.setdefault((kind, concurrency), []).append(result)
                        print(f"  {kind:<10} c={concurrency:<3} run {run + 1}: {result.throughput:7.0f} msg/s, "
                              f"ack p50 {result.ack_p50:5.1f} ms p99 {result.ack_p99:5.1f} ms, "
                              f"whisper p50 {result.whisper_p50:5.1f} ms p99 {result.whisper_p99:6.1f} ms, "
                              f"CPU {result.cpu_us:4.0f} µs/msg ({result.delivered}/{args.threads})", flush=True)
            proc, url = bots["deescalate"]
            if args.profile:
                redis.client().flushall()
                await one_run("deescalate", url, recorder, redis, max(args.threads, 3000), 8, 99, profile_pid=proc.pid)
                extra["profile"] = summarize_profile("/tmp/bench-profile.txt")
            redis.client().flushall()
            extra["redis"] = await redis_figures(url, recorder, redis)
            if args.memory_threads:
                extra["memory"] = await memory_figures(url, proc, redis, args.memory_threads, args.touch)
        finally:
            for proc, _ in bots.values():
                proc.terminate()
                proc.wait(10)
    await runner.cleanup()
    report(results, extra, args)


async def standin_capacity(api_url: str, levels: list[int], calls: int = 3000) -> dict[int, float]:
    """chat.postEphemeral calls per second the Slack recorder answers on its own (it must not be the limit)."""
    body = json.dumps({"channel": CHANNEL, "user": AGENT, "thread_ts": "1.1", "text": "x", "blocks": []}).encode()
    out = {}
    for concurrency in levels:
        left = calls
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

            async def worker() -> None:
                nonlocal left
                while left > 0:
                    left -= 1
                    async with session.post(api_url + "chat.postEphemeral", data=body,
                                            headers={"Content-Type": "application/json"}) as answer:
                        await answer.read()

            started = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            out[concurrency] = calls / (time.monotonic() - started)
    return out


def report(results: dict[tuple[str, int], list[RunResult]], extra: dict, args: argparse.Namespace) -> None:
    med = statistics.median
    print(f"\nMedians over {args.runs} runs, {args.threads} angry messages each ({os.cpu_count()} CPUs, "
          f"load average before: {extra.get('load', 0):.2f})")
    print("Slack recorder alone: " + ", ".join(f"{v:.0f} calls/s at c={c}" for c, v in extra.get("standin", {}).items()) + "\n")
    print(f"{'bot':<11}{'conc':>5}{'msg/s':>9}{'vs ref':>8}{'ack p50':>9}{'ack p99':>9}{'whisper p50':>13}{'whisper p99':>13}"
          f"{'CPU/msg':>10}")
    for concurrency in args.concurrency:
        ref = med(r.throughput for r in results[("reference", concurrency)])
        for kind in ("reference", "deescalate"):
            rows = results[(kind, concurrency)]
            tput = med(r.throughput for r in rows)
            print(f"{kind:<11}{concurrency:>5}{tput:>9.0f}{tput / ref:>7.2f}x{med(r.ack_p50 for r in rows):>7.1f}ms"
                  f"{med(r.ack_p99 for r in rows):>7.1f}ms{med(r.whisper_p50 for r in rows):>11.1f}ms{med(r.whisper_p99 for r in rows):>11.1f}ms"
                  f"{med(r.cpu_us for r in rows):>8.0f}µs")
    redis_info = extra.get("redis")
    if redis_info:
        print("\nRedis commands per angry message (INFO commandstats, includes commands run inside Lua):")
        print("  " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(redis_info["commands_per_message"].items())))
        print(f"  round trips per angry message (Redis calls the bot makes, not the commands Lua runs): "
              f"{redis_info['round_trips']:.2f}; the daily counters go in one pipeline a second: "
              f"{redis_info['flush_pipelines']} flushes during the sample")
        print(f"Thread record: {redis_info['record_bytes_p50']} B in Redis (JSON {redis_info['record_json_p50']} B) for a 3-message "
              f"thread; {redis_info['long_record_bytes']} B (JSON {redis_info['long_record_json']} B) after 31 messages")
    if extra.get("profile"):
        print("\nWhere deescalate's time goes (py-spy on the timed phase; each sample counted once, in its innermost area):")
        for area, share in extra["profile"]:
            print(f"  {share:5.1f}%  {area}")
    memory = extra.get("memory")
    if memory:
        print(f"Bot RSS: {memory['rss_idle_mb']:.0f} MB idle; {memory['rss_100k_in_redis_mb']:.0f} MB with "
              f"{memory['threads_in_redis']:,} keys in Redis; {memory['rss_after_touch_mb']:.0f} MB after working on "
              f"{memory['touched']:,} of those threads ({memory['touch_rate']:.0f} msg/s; the record cache holds 20,000). "
              f"Redis used {memory['redis_used_mb']:.0f} MB.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1000, help="angry messages per run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--memory-threads", type=int, default=100_000, help="thread records for the memory figure (0 skips)")
    parser.add_argument("--touch", type=int, default=25_000, help="threads worked on after populating")
    parser.add_argument("--profile", action="store_true", help="sample deescalate with py-spy during its runs")
    asyncio.run(main(parser.parse_args()))
