using System.Diagnostics;
using XvifSim.Emulator.XenStore;
using XvifSim.Frontend;
using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Soak;

/// <summary>
/// The soak (issue 6, item 6): N guests on bridge0 stream UDP to each other
/// and to dom0 while, every 100 ms, a random guest has its vif detached,
/// attached again, or is suspended and resumed. At the end traffic stops,
/// the queues drain, every guest is destroyed, and the report says what
/// was sent, received and dropped by reason, and what is still held.
/// </summary>
internal static class SoakRun
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan EventPeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StartStagger = TimeSpan.FromMilliseconds(50);

    public static SoakReport Run(SoakOptions options, TextWriter log)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(new ScenarioOptions(options.Seed, options.Threaded) { Pcpus = options.Pcpus }, "soak");
        int watchBase = xen.Machine.XenStore.Core.WatchCount;
        int connectionBase = xen.Machine.XenStore.Core.ConnectionCount;
        int transactionBase = xen.Machine.XenStore.Core.TransactionCount;
        var ledger = new SoakLedger();
        ledger.Add(xen.Dom0.Ip);
        xen.Dom0.Kernel.Interfaces.Changed += (iface, attached) => { if (attached) { ledger.Add(iface); } };
        foreach (NetworkInterface iface in xen.Dom0.Kernel.Interfaces.All)
        {
            ledger.Add(iface);
        }

        long dom0Received = 0;
        VcpuWork.Run(xen.Machine.Scheduler, xen.Dom0.Kernel, () => xen.Dom0.Ip.Bind(SoakTraffic.Dom0Port, (_, _, _, _) => Interlocked.Increment(ref dom0Received)));

        IPv4Address[] addresses = [.. Enumerable.Range(0, options.Guests).Select(i => new IPv4Address(SimulatedXen.Dom0Address.Value + 1 + (uint)i))];
        var guests = new List<(GuestSystem Guest, VifSpec Spec, SoakTraffic Traffic)>();
        for (int i = 0; i < options.Guests; i++)
        {
            var spec = new VifSpec { Mac = new MacAddress(0x0016_3E10_0001UL + ((ulong)i << 8)).ToString() };
            GuestSystem guest = xen.StartGuest(new GuestConfig($"guest{i + 1}") { Vifs = [spec] }, addresses[i]);
            var traffic = new SoakTraffic(guest, addresses, options.Seed * 1000 + i, SoakTraffic.TickFor(options.Guests));
            guest.Kernel.Interfaces.Changed += (iface, attached) =>
            {
                if (attached && iface.Name == "xennet0" && guest.Ip is { } ip)
                {
                    // GuestSystem's handler ran first: a new stack for the new xennet0.
                    ledger.Add(iface);
                    ledger.Add(ip);
                    traffic.BindOn(ip);
                }
            };
            guests.Add((guest, spec, traffic));
        }

        foreach ((GuestSystem guest, _, SoakTraffic traffic) in guests)
        {
            if (!xen.WaitConnected(guest, Limit))
            {
                failures.Add($"{guest.Name}'s xennet0 did not connect");
                continue;
            }

            // Under the threaded scheduler xennet0 may have attached before the handler above was added.
            VcpuWork.Run(xen.Machine.Scheduler, guest.Kernel, () =>
            {
                if (guest.Ip is { } ip && traffic.BindOn(ip))
                {
                    ledger.Add(guest.Xennet0!);
                    ledger.Add(ip);
                }
            });
        }

        log.WriteLine($"soak: {options.Guests} guests connected; traffic for {options.Seconds} s");
        // Staggered: a guest's first datagrams ARP for every peer at once, a
        // broadcast each that dom0 copies to every vif; all guests at once
        // would be 64 x 64 broadcasts in the first moment.
        for (int i = 0; i < guests.Count; i++)
        {
            guests[i].Traffic.Start(StartStagger * i);
        }

        var random = new Random(options.Seed);
        var detached = new HashSet<GuestSystem>();
        int attaches = 0, detaches = 0, suspends = 0;
        TimeSpan slowest = TimeSpan.Zero;
        ulong end = xen.Machine.Scheduler.NowNs + (ulong)(options.Seconds * 1e9);
        while (xen.Machine.Scheduler.NowNs < end && failures.Count == 0)
        {
            xen.Machine.Scheduler.RunFor(EventPeriod);
            (GuestSystem guest, VifSpec spec, _) = guests[random.Next(guests.Count)];
            string vif = $"xvif{guest.Kernel.DomId.Value}i0";

            // What the toolstack's steps saw, kept for the report if one fails.
            var steps = new StringWriter();
            var started = Stopwatch.StartNew();
            if (detached.Remove(guest))
            {
                Check(failures, VifLifecycle.Attach(xen, guest, spec, 0, steps) && (xen.WaitConnected(guest, Limit) || Say(steps, "xennet0 did not connect")), $"{guest.Name}: network-attach", steps, started);
                attaches++;
            }
            else if (random.Next(2) == 0)
            {
                Check(failures, VifLifecycle.Detach(xen, guest, 0, vif, steps), $"{guest.Name}: network-detach", steps, started);
                detached.Add(guest);
                detaches++;
            }
            else
            {
                Check(failures, SuspendResume(xen, guest, spec, vif, steps), $"{guest.Name}: suspend/resume", steps, started);
                suspends++;
            }

            slowest = started.Elapsed > slowest ? started.Elapsed : slowest;
        }

        foreach ((_, _, SoakTraffic traffic) in guests)
        {
            traffic.Stop();
        }

        // Past two RX watchdog periods: what an xvif still queues goes out or is counted.
        xen.Machine.Scheduler.RunFor(TimeSpan.FromSeconds(2.5));
        log.WriteLine("soak: traffic stopped; reading counters");
        string[] outcomeNames = [.. Enum.GetNames<IpOutputStatus>(), "NoInterface"];
        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach ((_, _, SoakTraffic traffic) in guests)
        {
            for (int i = 0; i < outcomeNames.Length; i++)
            {
                outcomes[outcomeNames[i]] = outcomes.GetValueOrDefault(outcomeNames[i]) + traffic.Outcome[i];
            }
        }

        SortedDictionary<string, long> drops = ledger.Drops(xen.Dom0.Bridge);
        drops["sender: xennet0 refused (down, suspended, ring full)"] = outcomes["Dropped"];
        drops["sender: no route / too large"] = outcomes["NoRoute"] + outcomes["TooLarge"];
        drops["sender: no xennet0 (detached)"] = outcomes["NoInterface"];
        long guestReceived = guests.Sum(g => Interlocked.Read(ref g.Traffic.Received));
        long arp = ledger.ArpFramesSent();
        long g2g = guests.Sum(g => g.Traffic.Attempts[0]);
        long g2d = guests.Sum(g => g.Traffic.Attempts[1]);

        IReadOnlyList<string> held = xen.DestroyGuests(Limit);

        // Dom0's xenbus unwatches a device's other end after the device is
        // gone, so its UNWATCHes may still be on the ring when the grants and
        // ports are already released: wait for the store to settle too.
        XenStoreCore store = xen.Machine.XenStore.Core;
        xen.Machine.Scheduler.RunUntil(() => store.WatchCount == watchBase && store.ConnectionCount == connectionBase && store.TransactionCount == transactionBase, Limit);
        return new SoakReport
        {
            Options = options,
            GuestToGuestSent = g2g,
            GuestToDom0Sent = g2d,
            ReceivedByGuests = guestReceived,
            ReceivedByDom0 = Interlocked.Read(ref dom0Received),
            Received = guestReceived + Interlocked.Read(ref dom0Received),
            SenderOutcomes = outcomes,
            Drops = drops,
            ArpFrames = arp,
            BackOffs = guests.Sum(g => g.Traffic.BackOffs),
            NotForUsCopies = ledger.NotForUsCopies(),
            BroadcastCopiesRefused = xen.Dom0.Bridge.BroadcastCopiesRefused,
            UnknownUnicastCopiesRefused = xen.Dom0.Bridge.UnknownUnicastCopiesRefused,
            Attaches = attaches,
            Detaches = detaches,
            Suspends = suspends,
            Held = held,
            Watches = store.WatchCount - watchBase,
            Connections = store.ConnectionCount - connectionBase,
            Transactions = store.TransactionCount - transactionBase,
            SlowestEvent = slowest,
            Failures = failures,
        };
    }

    private static void Check(List<string> failures, bool ok, string what, StringWriter steps, Stopwatch started)
    {
        if (!ok)
        {
            failures.Add($"{what} did not complete ({started.Elapsed.TotalSeconds:F1} s wall): {steps.ToString().ReplaceLineEndings("; ")}");
        }
    }

    /// <summary>The suspend-resume scenario's flow: xennet0 suspends, the toolstack replaces the backend, xennet0 resumes.</summary>
    private static bool SuspendResume(SimulatedXen xen, GuestSystem guest, VifSpec spec, string vif, TextWriter steps)
    {
        XennetInstance? xennet = guest.Xennet.Find("xennet0");
        if (xennet is null)
        {
            steps.WriteLine("no xennet0");
            return false;
        }

        bool? suspended = null;
        guest.Kernel.Run(async () => suspended = await xennet.SuspendAsync());
        if (!xen.Machine.Scheduler.RunUntil(() => suspended is not null, Limit) || suspended != true)
        {
            steps.WriteLine($"xennet0 suspend: {suspended?.ToString() ?? "no answer"}");
            return false;
        }

        xen.Libxl.SuspendVif(guest.Kernel.DomId, 0);
        if (!xen.Machine.Scheduler.RunUntil(() => xen.Dom0.Kernel.Interfaces.Find(vif) is null, Limit))
        {
            steps.WriteLine($"{vif} still there after the backend was removed");
            return false;
        }

        xen.Libxl.ResumeVif(guest.Kernel.DomId, spec, 0);
        if (!VifLifecycle.Hotplug(xen, guest, 0, steps))
        {
            return false;
        }

        bool? resumed = null;
        guest.Kernel.Run(async () => resumed = await xennet.ResumeAsync());
        if (!xen.Machine.Scheduler.RunUntil(() => resumed is not null, Limit) || resumed != true)
        {
            steps.WriteLine($"xennet0 resume: {resumed?.ToString() ?? "no answer"}");
            return false;
        }

        return xen.WaitConnected(guest, Limit) || Say(steps, "xennet0 did not reconnect");
    }

    private static bool Say(TextWriter steps, string what)
    {
        steps.WriteLine(what);
        return false;
    }
}
