using XvifSim.Guest.Net;
using XvifSim.Host.Systems;
using XvifSim.Host.Toolstack;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// 32 guests (10.0.0.2 to 10.0.0.33) on one bridge: dom0 pings every guest,
/// then every guest pings its two neighbours and the guest half-way round,
/// and every echo is answered. Checks the bridge learnt each vif's MAC
/// within its address table (sized by Dom0System.MaxBridgeAddresses) and that dom0's
/// memory holds 32 backends' rings and staging pages.
/// </summary>
internal sealed class ManyGuestsScenario : IScenario
{
    public const int GuestCount = 32;

    public string Name => "many-guests";

    public string Purpose => $"{GuestCount} guests on bridge0: dom0 reaches all, each reaches its neighbours and a far guest";

    public ScenarioResult Run(ScenarioOptions options, TextWriter output)
    {
        var failures = new List<string>();
        using var xen = new SimulatedXen(options, Name);
        output.WriteLine($"many-guests: {GuestCount} guests on bridge0, {options.SchedulerName} scheduler");
        var guests = new GuestSystem[GuestCount];
        for (int i = 0; i < GuestCount; i++)
        {
            var mac = new MacAddress(0x0016_3E00_0001 | ((ulong)(i + 1) << 8));
            guests[i] = xen.StartGuest(new GuestConfig($"guest{i + 1}") { Vifs = [new VifSpec { Mac = mac.ToString() }] }, AddressOf(i));
        }

        int connected = guests.Count(g => xen.WaitConnected(g, TimeSpan.FromSeconds(10)));
        output.WriteLine($"{connected} of {GuestCount} guests connected");
        PingScenario.Expect(failures, connected == GuestCount, $"{connected} of {GuestCount} guests connected");
        if (connected == GuestCount)
        {
            FromDom0(xen, guests, failures, output);
            BetweenGuests(xen, guests, failures, output);
            Bridge bridge = xen.Dom0.Bridge;
            output.WriteLine($"bridge0: {bridge.AddressCount} addresses learnt (max {bridge.MaxAddresses}), {bridge.Forwarded} forwarded, {bridge.Flooded} flooded, {bridge.Dropped} dropped, {bridge.LearnFailures} learn failures");
            PingScenario.Expect(failures, bridge.LearnFailures == 0 && bridge.AddressCount >= GuestCount,
                $"bridge0 learnt every guest's MAC ({bridge.AddressCount} addresses, {bridge.LearnFailures} learn failures)");
        }

        return ScenarioEnd.Finish(xen, Name, failures, output);
    }

    public static IPv4Address AddressOf(int index) => new(SimulatedXen.Dom0Address.Value + 1 + (uint)index);

    /// <summary>Whom guest <paramref name="index"/> pings: its neighbours either side and the guest opposite, round the ring of 32.</summary>
    public static int[] TargetsOf(int index) =>
        [(index + GuestCount - 1) % GuestCount, (index + 1) % GuestCount, (index + GuestCount / 2) % GuestCount];

    /// <summary>dom0 sends one echo to each guest, a few milliseconds apart, and waits for all the replies.</summary>
    private static void FromDom0(SimulatedXen xen, GuestSystem[] guests, List<string> failures, TextWriter output)
    {
        long answered = 0;
        IpStack ip = xen.Dom0.Ip;
        ip.PingReply = (source, identifier, _, _) =>
        {
            int index = (int)(source.Value - AddressOf(0).Value);
            if (identifier == 0x6000 && index is >= 0 and < GuestCount)
            {
                Interlocked.Or(ref answered, 1L << index);
            }
        };
        for (int i = 0; i < GuestCount; i++)
        {
            IPv4Address target = guests[i].Address;
            ushort sequence = (ushort)i;
            xen.Dom0.Kernel.Run(() => ip.Ping(target, 0x6000, sequence, 56));
            xen.Machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(5));
        }

        const long all = (1L << GuestCount) - 1;
        xen.Machine.Scheduler.RunUntil(() => Interlocked.Read(ref answered) == all, TimeSpan.FromSeconds(5));
        ip.PingReply = null;
        long mask = Interlocked.Read(ref answered);
        int count = (int)long.PopCount(mask);
        output.WriteLine($"dom0: {count} of {GuestCount} guests answered");
        PingScenario.Expect(failures, mask == all, $"dom0 -> guests: {count} of {GuestCount} answered (missing {Missing(mask, Enumerable.Range(0, GuestCount))})");
    }

    /// <summary>Each guest, in turn a few milliseconds apart, pings its three targets at once; then every reply must be in.</summary>
    private static void BetweenGuests(SimulatedXen xen, GuestSystem[] guests, List<string> failures, TextWriter output)
    {
        long[] answered = new long[GuestCount];
        for (int i = 0; i < GuestCount; i++)
        {
            int self = i;
            guests[i].Ip!.PingReply = (source, identifier, _, _) =>
            {
                int index = (int)(source.Value - AddressOf(0).Value);
                if (identifier == 0x6001 && index is >= 0 and < GuestCount)
                {
                    Interlocked.Or(ref answered[self], 1L << index);
                }
            };
        }

        for (int i = 0; i < GuestCount; i++)
        {
            GuestSystem guest = guests[i];
            int[] targets = TargetsOf(i);
            guest.Kernel.Run(() =>
            {
                foreach (int target in targets)
                {
                    guest.Ip!.Ping(AddressOf(target), 0x6001, (ushort)target, 56);
                }
            });
            xen.Machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(5));
        }

        bool Done() => Enumerable.Range(0, GuestCount).All(i => TargetsOf(i).All(t => (Interlocked.Read(ref answered[i]) & (1L << t)) != 0));
        xen.Machine.Scheduler.RunUntil(Done, TimeSpan.FromSeconds(5));
        int replies = 0;
        for (int i = 0; i < GuestCount; i++)
        {
            guests[i].Ip!.PingReply = null;
            long mask = Interlocked.Read(ref answered[i]);
            int[] targets = TargetsOf(i);
            replies += targets.Count(t => (mask & (1L << t)) != 0);
            PingScenario.Expect(failures, targets.All(t => (mask & (1L << t)) != 0),
                $"{guests[i].Name} -> {string.Join(", ", targets.Select(t => guests[t].Name))}: missing {Missing(mask, targets)}");
        }

        output.WriteLine($"guests: {replies} of {GuestCount * 3} echoes between guests answered");
    }

    private static string Missing(long mask, IEnumerable<int> indices) =>
        string.Join(", ", indices.Where(i => (mask & (1L << i)) == 0).Select(i => AddressOf(i).ToString()));
}
