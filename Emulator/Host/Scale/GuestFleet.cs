using System.Diagnostics;
using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scale;

/// <summary>
/// Issue 15's scale run: <c>count</c> guests with one vif each on bridge0,
/// created one after another as xl create does, then every guest pings dom0
/// once, all at once (each first asks ARP for 10.0.0.1, broadcast to every
/// port, as a real bridge of that many guests would carry), and finally every
/// guest is destroyed and whatever is still held is reported. Shared by the
/// bench's 1,000-guest part and the test that runs a smaller fleet.
/// </summary>
internal static class GuestFleet
{
    /// <summary>The ICMP identifier of the fleet's echoes, so that no other echo counts.</summary>
    public const ushort PingIdentifier = 0x6100;

    /// <summary>ping(8)'s default interval: one second between echoes.</summary>
    private const ulong EchoIntervalNs = 1_000_000_000;

    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2.5);

    public static FleetResult Run(SimulatedXen xen, int count, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(xen);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, SimulatedXen.MaxGuests);
        var clock = Stopwatch.StartNew();
        ulong startNs = xen.Machine.Scheduler.NowNs;
        var guests = new GuestSystem[count];
        for (int i = 0; i < count; i++)
        {
            // The Xen OUI 00:16:3e with the guest's index in the low two bytes, as ManyGuestsScenario numbers its guests.
            var mac = new MacAddress(0x0016_3E00_0000UL | (uint)(i + 1));
            guests[i] = xen.StartGuest(new GuestConfig($"guest{i + 1}") { Vifs = [new VifSpec { Mac = mac.ToString() }] }, ManyGuestsScenario.AddressOf(i));
        }

        int connected = 0;
        foreach (GuestSystem guest in guests)
        {
            TimeSpan left = limit - clock.Elapsed;
            if (left > TimeSpan.Zero && xen.WaitConnected(guest, left))
            {
                connected++;
            }
        }

        TimeSpan bringUp = clock.Elapsed;
        ulong bringUpNs = xen.Machine.Scheduler.NowNs - startNs;
        var pings = new FleetPings();
        TimeSpan pinged = TimeSpan.Zero;
        if (connected == count)
        {
            (pings, FleetCounters before) = PingDom0(xen, guests, limit);
            pinged = clock.Elapsed - bringUp;

            // Past xvif's 1-s RX watchdog, so that what is still queued arrives or is counted before the counters are read.
            xen.Machine.Scheduler.RunFor(SettleTime);
            pings.Finish(FleetCounters.Read(xen, guests).Minus(before), count);
        }

        int learnt = xen.Dom0.Bridge.AddressCount;
        var destroy = Stopwatch.StartNew();
        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(30));
        return new FleetResult(count, connected, pings.Answered, bringUp, bringUpNs, pinged, learnt, xen.Dom0.Bridge.LearnFailures, destroy.Elapsed, held)
        {
            Echoes = pings,
        };
    }

    /// <summary>
    /// Every guest sends an echo to dom0 in the same instant; as ping(8) does,
    /// a guest whose echo is not answered within a second of scheduler time
    /// sends another, until all are answered or <paramref name="limit"/> runs
    /// out. What became of the first echoes is read from the counters at the
    /// end of that first second (see <see cref="FleetPings"/>).
    /// </summary>
    private static (FleetPings Pings, FleetCounters Before) PingDom0(SimulatedXen xen, GuestSystem[] guests, TimeSpan limit)
    {
        int answered = 0;
        var replied = new bool[guests.Length];
        for (int i = 0; i < guests.Length; i++)
        {
            int index = i;
            guests[i].Ip!.PingReply = (source, identifier, _, _) =>
            {
                if (identifier == PingIdentifier && source == SimulatedXen.Dom0Address && !Volatile.Read(ref replied[index]))
                {
                    Volatile.Write(ref replied[index], true);
                    Interlocked.Increment(ref answered);
                }
            };
        }

        FleetCounters before = FleetCounters.Read(xen, guests);
        var pings = new FleetPings();
        ulong deadline = xen.Machine.Scheduler.NowNs + (ulong)limit.Ticks * 100;
        for (ushort sequence = 0; Volatile.Read(ref answered) < guests.Length && xen.Machine.Scheduler.NowNs < deadline; sequence++)
        {
            for (int i = 0; i < guests.Length; i++)
            {
                if (!Volatile.Read(ref replied[i]))
                {
                    GuestSystem guest = guests[i];
                    ushort seq = sequence;
                    guest.Kernel.Run(() => guest.Ip!.Ping(SimulatedXen.Dom0Address, PingIdentifier, seq, 56));
                    pings.EchoesSent++;
                }
            }

            // A whole second, as ping(8) waits, even when everything is idle
            // before it ends (a frame waiting for xvif's RX watchdog is idle).
            ulong secondEnds = xen.Machine.Scheduler.NowNs + EchoIntervalNs;
            xen.Machine.Scheduler.RunUntil(() => Volatile.Read(ref answered) == guests.Length, TimeSpan.FromSeconds(1));
            if (Volatile.Read(ref answered) < guests.Length && xen.Machine.Scheduler.NowNs < secondEnds)
            {
                xen.Machine.Scheduler.RunFor(TimeSpan.FromTicks((long)(secondEnds - xen.Machine.Scheduler.NowNs) / 100));
            }

            if (sequence == 0)
            {
                pings.FirstSecond(xen, guests, replied, Volatile.Read(ref answered), before);
            }
        }

        foreach (GuestSystem guest in guests)
        {
            guest.Ip!.PingReply = null;
        }

        pings.Answered = Volatile.Read(ref answered);
        return (pings, before);
    }
}
