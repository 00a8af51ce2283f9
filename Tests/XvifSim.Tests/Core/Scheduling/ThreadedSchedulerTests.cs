using System.Collections.Concurrent;
using Moq;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;

namespace XvifSim.Tests.Core.Scheduling;

/// <summary>
/// Threads and real time. Bounds are generous (seconds for what takes
/// milliseconds) because the machine is shared: these tests check what
/// happens and on which thread, never how fast.
/// </summary>
public sealed class ThreadedSchedulerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    [Test]
    public void Work_runs_on_a_background_pcpu_thread_as_that_vcpu()
    {
        using var scheduler = new ThreadedScheduler();
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(3), _ => { });
        var seen = new ConcurrentQueue<(Thread Thread, object? Vcpu)>();
        for (int i = 0; i < 10; i++)
        {
            vcpu.Post(() => seen.Enqueue((Thread.CurrentThread, ThreadedVcpu.Current)));
        }

        Assert.That(scheduler.RunUntil(() => seen.Count == 10, Limit), Is.True);
        Assert.That(seen.Select(s => s.Vcpu), Is.All.SameAs(vcpu));
        Assert.That(seen.Select(s => s.Thread), Is.All.Not.SameAs(Thread.CurrentThread));
        Assert.That(seen.Select(s => s.Thread.Name), Is.All.Match("^pcpu [0-9]+$"));
        Assert.That(seen.Select(s => s.Thread.IsBackground), Is.All.True);
        Assert.That(vcpu.ToString(), Is.EqualTo("vcpu d3"));
        Assert.That(ThreadedVcpu.Current, Is.Null, "outside a turn no vCPU is current");
    }

    [Test]
    public void Items_posted_from_many_threads_never_overlap_on_one_vcpu()
    {
        using var scheduler = new ThreadedScheduler();
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), _ => { });
        int inside = 0;
        int overlaps = 0;
        int ran = 0;
        void Item()
        {
            if (Interlocked.Increment(ref inside) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            Thread.SpinWait(100);
            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref ran);
        }

        Thread[] posters = [.. Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                vcpu.Post(Item);
            }
        }))];
        foreach (Thread poster in posters)
        {
            poster.Start();
        }

        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref ran) == 600, Limit), Is.True);
        Assert.That(posters.All(p => p.Join(Limit)), Is.True);
        Assert.That(overlaps, Is.Zero);
    }

    [Test]
    public void A_timer_fires_in_real_time_and_never_early()
    {
        using var scheduler = new ThreadedScheduler();
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), _ => { });
        ulong deadline = scheduler.NowNs + 10_000_000;
        long firedAt = 0;
        object? firedOn = null;
        vcpu.SetTimer(deadline, () =>
        {
            firedOn = ThreadedVcpu.Current;
            Volatile.Write(ref firedAt, (long)scheduler.NowNs);
        });

        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref firedAt) != 0, Limit), Is.True);
        Assert.That((ulong)firedAt, Is.GreaterThanOrEqualTo(deadline));
        Assert.That(firedOn, Is.SameAs(vcpu));
    }

    [Test]
    public void Moving_a_sleeping_timer_earlier_wakes_the_vcpu()
    {
        using var scheduler = new ThreadedScheduler();
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), _ => { });
        int fired = 0;
        vcpu.SetTimer(scheduler.NowNs + 3_600_000_000_000, () => { });
        vcpu.SetTimer(scheduler.NowNs + 1_000_000, () => Interlocked.Increment(ref fired));

        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref fired) == 1, Limit), Is.True);
    }

    [Test]
    public void Dispose_returns_and_every_pcpu_thread_ends()
    {
        var scheduler = new ThreadedScheduler();
        var threads = new ConcurrentQueue<Thread>();
        for (ushort d = 0; d < 3; d++)
        {
            IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(d), _ => { });
            vcpu.Post(() => threads.Enqueue(Thread.CurrentThread));
            vcpu.SetTimer(ulong.MaxValue, () => { });
        }

        Assert.That(scheduler.RunUntil(() => threads.Count == 3, Limit), Is.True);
        scheduler.Dispose();

        Assert.That(threads.Any(t => t.IsAlive), Is.False);
    }

    [Test]
    public void A_vcpu_may_dispose_the_scheduler_without_deadlock()
    {
        var scheduler = new ThreadedScheduler();
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), _ => { });
        IVcpuContext other = scheduler.CreateVcpu(new DomId(2), _ => { });
        var done = new ManualResetEventSlim();
        Thread? vcpuThread = null;
        other.Post(() => { });
        vcpu.Post(() =>
        {
            vcpuThread = Thread.CurrentThread;
            scheduler.Dispose();
            done.Set();
        });

        Assert.That(done.Wait(Limit), Is.True);
        Assert.That(vcpuThread!.Join(Limit), Is.True);
        Assert.That(other.IsShutdown, Is.True);
    }

    [Test]
    public void Waiting_from_a_vcpu_thread_is_refused_and_reported_as_a_fault()
    {
        using var scheduler = new ThreadedScheduler();
        var onFault = new Mock<Action<Exception>>();
        int faulted = 0;
        onFault.Setup(f => f(It.IsAny<Exception>())).Callback(() => Interlocked.Increment(ref faulted));
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), onFault.Object);
        vcpu.Post(() => scheduler.RunUntil(() => true, Limit));

        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref faulted) == 1, Limit), Is.True);
        onFault.Verify(f => f(It.IsAny<InvalidOperationException>()), Times.Once);
    }

    [Test]
    public void System_time_follows_the_real_clock()
    {
        using var scheduler = new ThreadedScheduler();
        ulong before = scheduler.NowNs;
        Thread.Sleep(20);

        // Lower bound only, and looser than the sleep: Sleep may round its period down slightly.
        Assert.That(scheduler.NowNs - before, Is.GreaterThanOrEqualTo(10_000_000UL));
    }
}
