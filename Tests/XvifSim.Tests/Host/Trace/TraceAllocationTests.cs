using XvifSim.Guest.Net;
using XvifSim.Host.Scenarios;
using XvifSim.Host.Systems;

namespace XvifSim.Tests.Host.Trace;

/// <summary>
/// Trace records allocate nothing: under the deterministic scheduler (every
/// vCPU on the test's thread), a burst of guest-to-guest datagrams, each of
/// which writes a dozen records and more, allocates no more on this thread
/// with trace on than the same burst with trace off.
/// </summary>
public class TraceAllocationTests
{
    private const int Burst = 64;

    [Test]
    public void ABurstAllocatesTheSameWithTraceOnAsOff()
    {
        long off = BurstAllocation(trace: false);
        long on = BurstAllocation(trace: true);
        Assert.That(on, Is.LessThanOrEqualTo(off), $"bytes allocated by a burst of {Burst} datagrams: trace off {off}, trace on {on}");
    }

    private static long BurstAllocation(bool trace)
    {
        string dir = Directory.CreateTempSubdirectory("xvifsim-trace-alloc-").FullName;
        try
        {
            using var xen = new SimulatedXen(new ScenarioOptions(Seed: 1) { CaptureDirectory = dir, Trace = trace }, "alloc");
            var failures = new List<string>();
            (GuestSystem one, GuestSystem two) = GuestPair.Start(xen, failures) ?? throw new InvalidOperationException(string.Join("; ", failures));
            int received = 0;
            byte[] payload = new byte[22];
            VcpuWork.Run(xen.Machine.Scheduler, two.Kernel, () => two.Ip!.Bind(9, (_, _, _, _) => received++));
            IpStack sender = one.Ip!;
            Action burst = () =>
            {
                for (int i = 0; i < Burst; i++)
                {
                    sender.SendTo(GuestPair.TwoAddress, 9, 9, payload);
                }
            };
            // ARP first: the stack holds one datagram while it resolves.
            one.Kernel.Run(() => sender.SendTo(GuestPair.TwoAddress, 9, 9, payload));
            Assert.That(xen.Machine.Scheduler.RunUntil(() => received == 1, TimeSpan.FromSeconds(10)), "the first datagram lands");

            // Warm up: JIT, every buffer and queue at its working size.
            for (int round = 0; round < 4; round++)
            {
                int expected = received + Burst;
                one.Kernel.Run(burst);
                Assert.That(xen.Machine.Scheduler.RunUntil(() => received == expected, TimeSpan.FromSeconds(10)), $"warm-up burst {round}: {received} of {expected} received");
            }

            int target = received + Burst;
            Func<bool> landed = () => received == target;
            long before = GC.GetAllocatedBytesForCurrentThread();
            one.Kernel.Run(burst);
            bool done = xen.Machine.Scheduler.RunUntil(landed, TimeSpan.FromSeconds(10));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(done, Is.True, $"the measured burst: {received} of {target} received");
            return allocated;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
