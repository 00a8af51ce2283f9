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
        int answered = connected == count ? PingDom0(xen, guests, limit) : 0;
        TimeSpan pings = clock.Elapsed - bringUp;
        int learnt = xen.Dom0.Bridge.AddressCount;
        var destroy = Stopwatch.StartNew();
        IReadOnlyList<string> held = xen.DestroyGuests(TimeSpan.FromSeconds(30));
        return new FleetResult(count, connected, answered, bringUp, bringUpNs, pings, learnt, xen.Dom0.Bridge.LearnFailures, destroy.Elapsed, held);
    }

    /// <summary>
    /// Every guest sends an echo to dom0 in the same instant; as ping(8) does,
    /// a guest whose echo is not answered within a second of scheduler time
    /// sends another (with 1,000 guests at once some first echoes are lost on
    /// the way), until all are answered or <paramref name="limit"/> runs out.
    /// Returns how many guests had an answer.
    /// </summary>
    private static int PingDom0(SimulatedXen xen, GuestSystem[] guests, TimeSpan limit)
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
                }
            }

            xen.Machine.Scheduler.RunUntil(() => Volatile.Read(ref answered) == guests.Length, TimeSpan.FromSeconds(1));
        }

        foreach (GuestSystem guest in guests)
        {
            guest.Ip!.PingReply = null;
        }

        return Volatile.Read(ref answered);
    }
}
