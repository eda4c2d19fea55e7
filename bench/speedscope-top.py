#!/usr/bin/python3
"""Top methods of a speedscope profile (from dotnet-trace): self and inclusive share of samples, over all threads."""
import json
import sys
from collections import Counter

doc = json.load(open(sys.argv[1]))
frames = [f["name"] for f in doc["shared"]["frames"]]
self_time, total_time, grand = Counter(), Counter(), 0.0
for profile in doc["profiles"]:
    if profile["type"] == "sampled":
        for stack, weight in zip(profile["samples"], profile["weights"]):
            if not stack:
                continue
            grand += weight
            self_time[frames[stack[-1]]] += weight
            for name in set(frames[i] for i in stack):
                total_time[name] += weight
    else:  # evented
        open_frames, last = [], None
        for event in profile["events"]:
            if last is not None and open_frames:
                span = event["at"] - last
                grand += span
                self_time[frames[open_frames[-1]]] += span
                for name in set(frames[i] for i in open_frames):
                    total_time[name] += span
            last = event["at"]
            if event["type"] == "O":
                open_frames.append(event["frame"])
            elif open_frames:
                open_frames.pop()

def show(title, counter):
    print(title)
    for name, weight in counter.most_common(25):
        print("  %5.1f%%  %s" % (100.0 * weight / grand, name[:150]))

idle = ("WaitHandle", "Monitor.Wait", "LowLevelLifoSemaphore", "Thread.Sleep", "epoll", "SocketAsyncEngine.EventLoop", "UNMANAGED_CODE_TIME")
show("self time", Counter({k: v for k, v in self_time.items() if not any(s in k for s in idle)}))
show("inclusive time", Counter({k: v for k, v in total_time.items() if not any(s in k for s in idle)}))
