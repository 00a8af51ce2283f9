using Moq;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;

namespace XvifSim.Tests.Core.Scheduling;

/// <summary>Virtual time and seeded interleaving: what makes a scenario replay byte for byte.</summary>
public sealed class DeterministicSchedulerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    [Test]
    public void The_same_seed_gives_the_same_global_order_and_another_seed_a_different_one()
    {
        IReadOnlyList<string> first = Trace(seed: 1234);
        IReadOnlyList<string> again = Trace(seed: 1234);
        IReadOnlyList<string> other = Trace(seed: 42);

        Assert.That(first, Has.Count.EqualTo(again.Count).And.Count.GreaterThan(100));
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
    }

    [Test]
    public void Each_item_advances_the_clock_by_one_step()
    {
        using var scheduler = new DeterministicScheduler(seed: 1, stepNs: 250);
        IVcpuContext vcpu = Vcpu(scheduler, 1);
        var seen = new List<ulong>();
        for (int i = 0; i < 3; i++)
        {
            vcpu.Post(() => seen.Add(scheduler.NowNs));
        }

        Assert.That(scheduler.RunUntil(() => seen.Count == 3, Limit), Is.True);
        Assert.That(seen, Is.EqualTo(new ulong[] { 0, 250, 500 }));
        Assert.That(scheduler.NowNs, Is.EqualTo(750UL));
    }

    [Test]
    public void When_all_vcpus_are_idle_the_clock_jumps_to_the_next_timer()
    {
        using var scheduler = new DeterministicScheduler(seed: 1);
        IVcpuContext vcpu = Vcpu(scheduler, 1);
        ulong firedAt = 0;
        vcpu.SetTimer(1_000_000, () => firedAt = scheduler.NowNs);

        Assert.That(scheduler.RunUntil(() => firedAt != 0, Limit), Is.True);
        Assert.That(firedAt, Is.EqualTo(1_000_000UL));
        Assert.That(scheduler.NowNs, Is.EqualTo(1_000_000UL + DeterministicScheduler.DefaultStepNs));
    }

    [Test]
    public void A_due_timer_runs_before_queued_work()
    {
        using var scheduler = new DeterministicScheduler(seed: 1, stepNs: 1000);
        IVcpuContext vcpu = Vcpu(scheduler, 1);
        var trace = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            int n = i;
            vcpu.Post(() => trace.Add($"work{n}@{scheduler.NowNs}"));
        }

        vcpu.SetTimer(1500, () => trace.Add($"timer@{scheduler.NowNs}"));

        Assert.That(scheduler.RunUntil(() => trace.Count == 5, Limit), Is.True);
        Assert.That(trace, Is.EqualTo(new[] { "work0@0", "work1@1000", "timer@2000", "work2@3000", "work3@4000" }));
    }

    [Test]
    public void Timers_due_at_the_same_time_fire_in_vcpu_creation_order()
    {
        using var scheduler = new DeterministicScheduler(seed: 1);
        IVcpuContext[] vcpus = [Vcpu(scheduler, 1), Vcpu(scheduler, 2), Vcpu(scheduler, 3)];
        var fired = new List<int>();
        for (int i = vcpus.Length - 1; i >= 0; i--)
        {
            int n = i;
            vcpus[i].SetTimer(5000, () => fired.Add(n));
        }

        Assert.That(scheduler.RunUntil(() => fired.Count == 3, Limit), Is.True);
        Assert.That(fired, Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void RunFor_ends_at_exactly_the_span_busy_or_idle()
    {
        using var scheduler = new DeterministicScheduler(seed: 1, stepNs: 1000);
        IVcpuContext vcpu = Vcpu(scheduler, 1);
        var starts = new List<ulong>();
        void Spin()
        {
            starts.Add(scheduler.NowNs);
            vcpu.Post(Spin);
        }

        vcpu.Post(Spin);
        scheduler.RunFor(TimeSpan.FromTicks(25));
        Assert.That(starts, Is.EqualTo(new ulong[] { 0, 1000, 2000 }));
        Assert.That(scheduler.NowNs, Is.EqualTo(2500UL));

        vcpu.Shutdown();
        scheduler.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.That(scheduler.NowNs, Is.EqualTo(1_002_500UL));
    }

    [Test]
    public void A_timer_beyond_the_run_waits_for_a_later_run()
    {
        using var scheduler = new DeterministicScheduler(seed: 1);
        IVcpuContext vcpu = Vcpu(scheduler, 1);
        ulong firedAt = 0;
        vcpu.SetTimer(10_000_000, () => firedAt = scheduler.NowNs);

        scheduler.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.That(firedAt, Is.Zero);
        Assert.That(scheduler.NowNs, Is.EqualTo(1_000_000UL));

        scheduler.RunFor(TimeSpan.FromMilliseconds(10));
        Assert.That(firedAt, Is.EqualTo(10_000_000UL));
        Assert.That(scheduler.NowNs, Is.EqualTo(11_000_000UL));
    }

    [Test]
    public void RunUntil_returns_at_once_without_moving_the_clock_when_nothing_can_run()
    {
        using var scheduler = new DeterministicScheduler(seed: 1);
        IVcpuContext vcpu = Vcpu(scheduler, 1);
        vcpu.SetTimer(ulong.MaxValue, () => { });

        Assert.That(scheduler.RunUntil(() => false, TimeSpan.FromHours(1)), Is.False);
        Assert.That(scheduler.NowNs, Is.Zero);
    }

    [Test]
    public void RunUntil_stops_at_the_limit_with_the_clock_at_the_limit()
    {
        using var scheduler = new DeterministicScheduler(seed: 1, stepNs: 300);
        IVcpuContext vcpu = Vcpu(scheduler, 1);
        void Spin() => vcpu.Post(Spin);
        vcpu.Post(Spin);

        Assert.That(scheduler.RunUntil(() => false, TimeSpan.FromMilliseconds(1)), Is.False);
        Assert.That(scheduler.NowNs, Is.EqualTo(1_000_000UL));
    }

    [Test]
    public void Running_from_inside_work_is_refused_and_reported_as_a_fault()
    {
        using var scheduler = new DeterministicScheduler(seed: 1);
        var onFault = new Mock<Action<Exception>>();
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), onFault.Object);
        vcpu.Post(() => scheduler.RunFor(TimeSpan.FromMilliseconds(1)));

        scheduler.RunUntil(() => false, Limit);

        onFault.Verify(f => f(It.IsAny<InvalidOperationException>()), Times.Once);
    }

    [Test]
    public void Posting_and_running_allocate_nothing_per_item()
    {
        using var scheduler = new DeterministicScheduler(seed: 1);
        IVcpuContext[] vcpus = [Vcpu(scheduler, 1), Vcpu(scheduler, 2), Vcpu(scheduler, 3)];
        int ran = 0;
        Action work = () => ran++;
        Func<bool> never = () => false;

        // The first round grows the queues and compiles the paths; the second must reuse them.
        PostAndRun();
        long before = GC.GetAllocatedBytesForCurrentThread();
        PostAndRun();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(ran, Is.EqualTo(6000));
        Assert.That(allocated, Is.Zero);

        void PostAndRun()
        {
            for (int i = 0; i < 1000; i++)
            {
                foreach (IVcpuContext vcpu in vcpus)
                {
                    vcpu.Post(work);
                }
            }

            scheduler.RunUntil(never, Limit);
        }
    }

    [Test]
    public void A_zero_step_is_refused()
    {
        Assert.That(() => new DeterministicScheduler(seed: 1, stepNs: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>
    /// Four vCPUs that post to each other and arm timers, recording who ran
    /// what at which virtual time, until 200 events have happened.
    /// </summary>
    private static IReadOnlyList<string> Trace(int seed)
    {
        using var scheduler = new DeterministicScheduler(seed);
        var trace = new List<string>();
        var vcpus = new IVcpuContext[4];
        for (int i = 0; i < vcpus.Length; i++)
        {
            vcpus[i] = Vcpu(scheduler, (ushort)i);
        }

        void Work(int vcpu, int hop)
        {
            trace.Add($"{scheduler.NowNs} d{vcpu} work{hop}");
            if (trace.Count >= 200)
            {
                return;
            }

            IVcpuContext next = vcpus[(vcpu + 1 + (hop % 3)) % vcpus.Length];
            int target = Array.IndexOf(vcpus, next);
            next.Post(() => Work(target, hop + 1));
            if (hop % 5 == 0)
            {
                vcpus[vcpu].SetTimer(scheduler.NowNs + 3000, () => trace.Add($"{scheduler.NowNs} d{vcpu} timer"));
            }
        }

        for (int i = 0; i < vcpus.Length; i++)
        {
            int n = i;
            vcpus[i].Post(() => Work(n, 0));
        }

        scheduler.RunUntil(() => trace.Count >= 200, Limit);
        return trace;
    }

    private static IVcpuContext Vcpu(DeterministicScheduler scheduler, ushort domain) =>
        scheduler.CreateVcpu(new DomId(domain), ex => throw new AssertionException($"unexpected fault on d{domain}: {ex}"));
}
