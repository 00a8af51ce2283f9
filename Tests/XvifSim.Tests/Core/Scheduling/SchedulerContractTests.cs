using System.Collections.Concurrent;
using Moq;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;

namespace XvifSim.Tests.Core.Scheduling;

/// <summary>
/// What a guest may rely on whichever scheduler runs it (docs/design.md: "drivers
/// cannot tell which one they run on"). Every wait is a condition with a
/// generous limit, never a fixed delay, because the threaded scheduler runs on
/// a shared, noisy machine.
/// </summary>
[TestFixtureSource(nameof(Schedulers))]
public sealed class SchedulerContractTests(Func<IScheduler> create)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    // Faults are collected and checked in TearDown: an assertion thrown from
    // onFault on a threaded vCPU would be an unhandled exception that ends the
    // test process.
    private readonly ConcurrentQueue<Exception> _unexpectedFaults = new();
    private IScheduler _scheduler = null!;

    public static IEnumerable<TestFixtureData> Schedulers()
    {
        yield return new TestFixtureData((Func<IScheduler>)(() => new DeterministicScheduler(seed: 7))).SetArgDisplayNames("Deterministic");
        yield return new TestFixtureData((Func<IScheduler>)(() => new ThreadedScheduler())).SetArgDisplayNames("Threaded");
    }

    [SetUp]
    public void SetUp()
    {
        _unexpectedFaults.Clear();
        _scheduler = create();
    }

    [TearDown]
    public void TearDown()
    {
        _scheduler.Dispose();
        Assert.That(_unexpectedFaults, Is.Empty);
    }

    [Test]
    public void Work_runs_in_fifo_order_on_each_vcpu()
    {
        IVcpuContext a = Vcpu(1);
        IVcpuContext b = Vcpu(2);
        var seenA = new ConcurrentQueue<int>();
        var seenB = new ConcurrentQueue<int>();
        for (int i = 0; i < 100; i++)
        {
            int n = i;
            a.Post(() => seenA.Enqueue(n));
            b.Post(() => seenB.Enqueue(n));
        }

        Assert.That(_scheduler.RunUntil(() => seenA.Count == 100 && seenB.Count == 100, Limit), Is.True);
        Assert.That(seenA, Is.EqualTo(Enumerable.Range(0, 100)));
        Assert.That(seenB, Is.EqualTo(Enumerable.Range(0, 100)));
    }

    [Test]
    public void Work_posted_by_running_work_is_queued_not_run_inline()
    {
        IVcpuContext vcpu = Vcpu(1);
        var trace = new ConcurrentQueue<string>();
        vcpu.Post(() =>
        {
            vcpu.Post(() => trace.Enqueue("inner"));
            trace.Enqueue("outer done");
        });

        Assert.That(_scheduler.RunUntil(() => trace.Count == 2, Limit), Is.True);
        Assert.That(trace, Is.EqualTo(new[] { "outer done", "inner" }));
    }

    [Test]
    public void A_timer_set_in_the_past_fires_at_once()
    {
        IVcpuContext vcpu = Vcpu(1);
        int fired = 0;
        vcpu.SetTimer(0, () => Interlocked.Increment(ref fired));

        Assert.That(_scheduler.RunUntil(() => Volatile.Read(ref fired) == 1, Limit), Is.True);
    }

    [Test]
    public void SetTimer_replaces_the_earlier_timer()
    {
        IVcpuContext vcpu = Vcpu(1);
        var trace = new ConcurrentQueue<string>();

        // Armed from the vCPU itself so that the threaded scheduler cannot fire
        // the first timer between the two calls. Both are due at once; a due
        // timer runs before queued work, so "drained" proves the first never fires.
        vcpu.Post(() =>
        {
            vcpu.SetTimer(0, () => trace.Enqueue("first"));
            vcpu.SetTimer(0, () => trace.Enqueue("second"));
            vcpu.Post(() => trace.Enqueue("drained"));
        });

        Assert.That(_scheduler.RunUntil(() => trace.Contains("drained"), Limit), Is.True);
        Assert.That(trace, Is.EqualTo(new[] { "second", "drained" }));
    }

    [Test]
    public void CancelTimer_disarms_the_timer()
    {
        IVcpuContext vcpu = Vcpu(1);
        var trace = new ConcurrentQueue<string>();
        vcpu.Post(() =>
        {
            vcpu.SetTimer(0, () => trace.Enqueue("timer"));
            vcpu.CancelTimer();
            vcpu.Post(() => trace.Enqueue("drained"));
        });

        Assert.That(_scheduler.RunUntil(() => trace.Contains("drained"), Limit), Is.True);
        Assert.That(trace, Is.EqualTo(new[] { "drained" }));
    }

    [Test]
    public void RunUntil_returns_true_as_soon_as_the_condition_holds()
    {
        IVcpuContext vcpu = Vcpu(1);
        int ran = 0;
        vcpu.Post(() => Interlocked.Increment(ref ran));

        Assert.That(_scheduler.RunUntil(() => Volatile.Read(ref ran) == 1, Limit), Is.True);
        Assert.That(_scheduler.RunUntil(() => true, TimeSpan.Zero), Is.True);
    }

    [Test]
    public void RunUntil_returns_false_when_the_limit_passes()
    {
        IVcpuContext busy = Vcpu(1);
        BusyLoop(busy);
        ulong start = _scheduler.NowNs;

        Assert.That(_scheduler.RunUntil(() => false, TimeSpan.FromMilliseconds(20)), Is.False);
        Assert.That(_scheduler.NowNs - start, Is.GreaterThanOrEqualTo(20_000_000UL));
    }

    [Test]
    public void RunUntil_refuses_a_negative_limit()
    {
        Assert.That(() => _scheduler.RunUntil(() => true, TimeSpan.FromTicks(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void A_fault_reaches_onFault_once_and_other_vcpus_keep_running()
    {
        var faulty = new Mock<Action<Exception>>();
        var healthy = new Mock<Action<Exception>>();
        IVcpuContext a = _scheduler.CreateVcpu(new DomId(1), faulty.Object);
        IVcpuContext b = _scheduler.CreateVcpu(new DomId(2), healthy.Object);
        var boom = new InvalidOperationException("guest bug");
        int afterA = 0;
        int ranB = 0;

        a.Post(() => throw boom);
        a.Post(() => Interlocked.Increment(ref afterA));
        for (int i = 0; i < 10; i++)
        {
            b.Post(() => Interlocked.Increment(ref ranB));
        }

        Assert.That(_scheduler.RunUntil(() => Volatile.Read(ref afterA) == 1 && Volatile.Read(ref ranB) == 10, Limit), Is.True);
        faulty.Verify(f => f(boom), Times.Once);
        healthy.Verify(f => f(It.IsAny<Exception>()), Times.Never);
    }

    [Test]
    public void A_vcpu_that_shuts_itself_down_runs_nothing_more()
    {
        IVcpuContext vcpu = Vcpu(1);
        IVcpuContext other = Vcpu(2);
        int stopped = 0;
        int ranAfter = 0;
        int otherRan = 0;
        vcpu.SetTimer(ulong.MaxValue, () => Interlocked.Increment(ref ranAfter));
        vcpu.Post(() =>
        {
            vcpu.Shutdown();
            vcpu.Post(() => Interlocked.Increment(ref ranAfter));
            vcpu.SetTimer(0, () => Interlocked.Increment(ref ranAfter));
            Interlocked.Increment(ref stopped);
        });
        vcpu.Post(() => Interlocked.Increment(ref ranAfter));

        Assert.That(_scheduler.RunUntil(() => Volatile.Read(ref stopped) == 1, Limit), Is.True);
        other.Post(() => Interlocked.Increment(ref otherRan));
        vcpu.Post(() => Interlocked.Increment(ref ranAfter));
        Assert.That(_scheduler.RunUntil(() => Volatile.Read(ref otherRan) == 1, Limit), Is.True);
        _scheduler.RunFor(TimeSpan.FromMilliseconds(20));

        Assert.That(vcpu.IsShutdown, Is.True);
        Assert.That(other.IsShutdown, Is.False);
        Assert.That(Volatile.Read(ref ranAfter), Is.Zero);
    }

    [Test]
    public void onFault_may_shut_the_failing_vcpu_down_as_Machine_Crash_does()
    {
        IVcpuContext? vcpu = null;
        int faults = 0;
        int ranAfter = 0;
        vcpu = _scheduler.CreateVcpu(new DomId(1), _ =>
        {
            vcpu!.Shutdown();
            Interlocked.Increment(ref faults);
        });
        vcpu.Post(() => throw new InvalidOperationException("crash"));
        vcpu.Post(() => Interlocked.Increment(ref ranAfter));

        Assert.That(_scheduler.RunUntil(() => Volatile.Read(ref faults) == 1, Limit), Is.True);
        _scheduler.RunFor(TimeSpan.FromMilliseconds(20));
        Assert.That(vcpu.IsShutdown, Is.True);
        Assert.That(Volatile.Read(ref ranAfter), Is.Zero);
    }

    [Test]
    public void Shutdown_is_idempotent()
    {
        IVcpuContext vcpu = Vcpu(1);
        vcpu.Shutdown();
        vcpu.Shutdown();

        Assert.That(vcpu.IsShutdown, Is.True);
    }

    [Test]
    public void Work_posted_from_another_thread_runs()
    {
        IVcpuContext vcpu = Vcpu(1);
        IVcpuContext busy = Vcpu(2);
        int ran = 0;

        // The busy vCPU keeps the deterministic scheduler stepping while the
        // host thread posts, as a guest would while the socket server answers.
        BusyLoop(busy);
        var host = new Thread(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                vcpu.Post(() => Interlocked.Increment(ref ran));
            }
        });
        host.Start();

        Assert.That(_scheduler.RunUntil(() => Volatile.Read(ref ran) == 100, Limit), Is.True);
        Assert.That(host.Join(Limit), Is.True);
    }

    [Test]
    public void System_time_never_goes_backwards()
    {
        IVcpuContext vcpu = Vcpu(1);
        var seen = new ConcurrentQueue<ulong>();
        for (int i = 0; i < 50; i++)
        {
            vcpu.Post(() => seen.Enqueue(_scheduler.NowNs));
        }

        vcpu.SetTimer(_scheduler.NowNs + 1_000_000, () => seen.Enqueue(_scheduler.NowNs));

        Assert.That(_scheduler.RunUntil(() => seen.Count == 51, Limit), Is.True);
        Assert.That(seen, Is.Ordered);
        Assert.That(seen.Last(), Is.GreaterThanOrEqualTo(1_000_000UL));
    }

    [Test]
    public void After_Dispose_posts_are_ignored_and_vcpus_are_shut_down()
    {
        IVcpuContext vcpu = Vcpu(1);
        _scheduler.Dispose();

        Assert.That(() => vcpu.Post(() => { }), Throws.Nothing);
        Assert.That(vcpu.IsShutdown, Is.True);
        Assert.That(() => _scheduler.CreateVcpu(new DomId(2), _ => { }), Throws.InstanceOf<ObjectDisposedException>());
    }

    private IVcpuContext Vcpu(ushort domain) =>
        _scheduler.CreateVcpu(new DomId(domain), _unexpectedFaults.Enqueue);

    /// <summary>A guest that is never idle: it keeps reposting itself until shut down.</summary>
    private static void BusyLoop(IVcpuContext vcpu)
    {
        void Spin() => vcpu.Post(Spin);
        vcpu.Post(Spin);
    }
}
