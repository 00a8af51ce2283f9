using System.Diagnostics;
using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Benchmarks;

/// <summary>
/// How long 64 frontend/backend pairs take to connect: 64 guests with one
/// vif each are created one after another as xl create does (domain,
/// backend to InitWait, hotplug, unpause), and the clock stops when every
/// guest's xennet0 and its xvif both read Connected (4) in XenStore and
/// xennet0 is running, under the threaded scheduler.
/// </summary>
internal static class ConnectBenchmark
{
    public const int Pairs = 64;

    public static double Seconds(TimeSpan limit, MemoryPeak peak)
    {
        using var xen = new SimulatedXen(new ScenarioOptions(Threaded: true), "connect");
        var clock = Stopwatch.StartNew();
        var guests = new GuestSystem[Pairs];
        for (int i = 0; i < Pairs; i++)
        {
            var mac = new MacAddress(0x0016_3E00_0001 | ((ulong)(i + 1) << 8));
            guests[i] = xen.StartGuest(new GuestConfig($"guest{i + 1}") { Vifs = [new VifSpec { Mac = mac.ToString() }] }, ManyGuestsScenario.AddressOf(i));
        }

        foreach (GuestSystem guest in guests)
        {
            TimeSpan left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero || !xen.WaitConnected(guest, left))
            {
                throw new InvalidOperationException($"{guest.Name}'s vif did not connect within {limit.TotalSeconds} s of the first xl create");
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        peak.Sample();
        return seconds;
    }
}
