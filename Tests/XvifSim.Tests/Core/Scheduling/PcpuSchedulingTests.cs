using System.Collections.Concurrent;
using XvifSim.Emulator.Scheduling;
using XvifSim.Public;

namespace XvifSim.Tests.Core.Scheduling;

/// <summary>
/// The threaded scheduler's pCPU pool, as Xen's credit2 runs vCPUs: many
/// vCPUs share few worker threads, an idle pCPU steals, a vCPU is never on
/// two pCPUs at once, a busy vCPU cannot starve the others. Bounds are
/// generous because the machine is shared; the tests check what happens and
/// where, never how fast.
/// </summary>
public sealed class PcpuSchedulingTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Test]
    public void Two_hundred_vcpus_on_two_pcpus_all_make_progress_beside_two_that_never_idle()
    {
        using var scheduler = new ThreadedScheduler(2);
        BusyLoop(scheduler.CreateVcpu(new DomId(1000), _ => { }));
        BusyLoop(scheduler.CreateVcpu(new DomId(1001), _ => { }));
        const int Vcpus = 200;
        const int Rounds = 50;
        int[] ran = new int[Vcpus];
        for (int v = 0; v < Vcpus; v++)
        {
            int index = v;
            IVcpuContext vcpu = scheduler.CreateVcpu(new DomId((ushort)(v + 1)), _ => { });
            void Step()
            {
                if (Interlocked.Increment(ref ran[index]) < Rounds)
                {
                    vcpu.Post(Step);
                }
            }

            vcpu.Post(Step);
        }

        Assert.That(scheduler.RunUntil(() => ran.All(r => r == Rounds), Limit), Is.True,
            $"vCPUs short of {Rounds} rounds: {ran.Count(r => r < Rounds)}");
    }

    [Test]
    public void A_vcpu_never_runs_on_two_pcpus_at_once_under_load()
    {
        // More pCPUs than the machine's cores, so that turns interleave and vCPUs migrate.
        using var scheduler = new ThreadedScheduler(4);
        const int Vcpus = 16;
        const int PerPoster = 2000;
        IVcpuContext[] vcpus = [.. Enumerable.Range(0, Vcpus).Select(v => scheduler.CreateVcpu(new DomId((ushort)(v + 1)), _ => { }))];
        int[] inside = new int[Vcpus];
        var threadsOf = Enumerable.Range(0, Vcpus).Select(_ => new ConcurrentDictionary<Thread, bool>()).ToArray();
        int overlaps = 0;
        int ran = 0;
        Action[] items = [.. Enumerable.Range(0, Vcpus).Select(v => (Action)(() => Item(v)))];

        void Item(int v)
        {
            if (Interlocked.Increment(ref inside[v]) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            threadsOf[v].TryAdd(Thread.CurrentThread, true);
            Thread.SpinWait(50);
            Interlocked.Decrement(ref inside[v]);
            Interlocked.Increment(ref ran);
        }

        Thread[] posters = [.. Enumerable.Range(0, 4).Select(p => new Thread(() =>
        {
            var random = new Random(p);
            for (int i = 0; i < PerPoster; i++)
            {
                int v = random.Next(Vcpus);
                vcpus[v].Post(items[v]);
            }
        }))];
        foreach (Thread poster in posters)
        {
            poster.Start();
        }

        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref ran) == 4 * PerPoster, Limit), Is.True);
        Assert.That(posters.All(p => p.Join(Limit)), Is.True);
        Assert.That(overlaps, Is.Zero);
        Assert.That(threadsOf.SelectMany(t => t.Keys).Distinct().Count(), Is.GreaterThan(1), "the work was spread over pCPUs");
        Assert.That(threadsOf.Any(t => t.Count > 1), Is.True, "some vCPU moved between pCPUs, so the exclusion was exercised");
    }

    [Test]
    public void An_idle_pcpu_steals_a_vcpu_queued_on_a_busy_one()
    {
        using var scheduler = new ThreadedScheduler(2);
        using var release = new ManualResetEventSlim();
        var blocker = (ThreadedVcpu)scheduler.CreateVcpu(new DomId(1), _ => { });
        Thread? blocked = null;
        blocker.Post(() =>
        {
            Volatile.Write(ref blocked, Thread.CurrentThread);
            release.Wait(Limit);
        });
        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref blocked) is not null, Limit), Is.True);
        try
        {
            // New vCPUs are spread over the pCPUs: one of two is homed on the blocked one.
            var candidates = new[] { 2, 3 }.Select(d => (ThreadedVcpu)scheduler.CreateVcpu(new DomId((ushort)d), _ => { })).ToArray();
            ThreadedVcpu queuedBehind = candidates.Single(v => v.Home == blocker.Home);
            Thread? ranOn = null;
            queuedBehind.Post(() => Volatile.Write(ref ranOn, Thread.CurrentThread));

            Assert.That(scheduler.RunUntil(() => Volatile.Read(ref ranOn) is not null, Limit), Is.True, "the vCPU ran while its home pCPU was busy");
            Assert.That(ranOn, Is.Not.SameAs(blocked));
            Assert.That(queuedBehind.Home, Is.Not.SameAs(blocker.Home), "it now belongs to the pCPU that stole it");
        }
        finally
        {
            release.Set();
        }
    }

    [Test]
    public void A_vcpu_that_shuts_itself_down_mid_batch_leaves_its_pcpu_serving_the_others()
    {
        // One pCPU: if the shutdown wedged it, nothing else could run.
        using var scheduler = new ThreadedScheduler(1);
        IVcpuContext crashing = scheduler.CreateVcpu(new DomId(1), _ => { });
        IVcpuContext other = scheduler.CreateVcpu(new DomId(2), _ => { });
        int ranOnCrashing = 0;
        int timerFired = 0;
        int ranOnOther = 0;
        for (int i = 0; i < 10; i++)
        {
            int n = i;
            crashing.Post(() =>
            {
                Interlocked.Increment(ref ranOnCrashing);
                if (n == 2)
                {
                    crashing.SetTimer(0, () => Interlocked.Increment(ref timerFired));
                    crashing.Shutdown();
                }
            });
        }

        Assert.That(scheduler.RunUntil(() => crashing.IsShutdown, Limit), Is.True);
        for (int i = 0; i < 100; i++)
        {
            other.Post(() => Interlocked.Increment(ref ranOnOther));
        }

        crashing.Post(() => Interlocked.Increment(ref ranOnCrashing));
        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref ranOnOther) == 100, Limit), Is.True);
        Assert.That(Volatile.Read(ref ranOnCrashing), Is.EqualTo(3));
        Assert.That(Volatile.Read(ref timerFired), Is.Zero);
    }

    [Test]
    public void The_pcpu_count_is_honoured_and_Dispose_ends_every_pcpu_thread()
    {
        var scheduler = new ThreadedScheduler(3);
        using var release = new ManualResetEventSlim();
        var threads = new ConcurrentDictionary<Thread, bool>();
        int running = 0;
        int most = 0;
        int done = 0;
        for (ushort d = 1; d <= 8; d++)
        {
            scheduler.CreateVcpu(new DomId(d), _ => { }).Post(() =>
            {
                threads.TryAdd(Thread.CurrentThread, true);
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                release.Wait(Limit);
                Interlocked.Decrement(ref running);
                Interlocked.Increment(ref done);
            });
        }

        Assert.That(scheduler.Pcpus, Is.EqualTo(3));
        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref running) == 3, Limit), Is.True);
        scheduler.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.That(Volatile.Read(ref most), Is.EqualTo(3), "never more vCPUs at once than pCPUs");
        release.Set();
        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref done) == 8, Limit), Is.True);
        Assert.That(threads.Keys.Select(t => t.Name).Order(), Is.EqualTo(new[] { "pcpu 0", "pcpu 1", "pcpu 2" }));

        scheduler.Dispose();
        Assert.That(threads.Keys.Any(t => t.IsAlive), Is.False);
    }

    [Test]
    public void The_default_is_one_pcpu_per_core_and_a_count_out_of_range_is_refused()
    {
        using var scheduler = new ThreadedScheduler();
        Assert.That(scheduler.Pcpus, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(() => new ThreadedScheduler(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new ThreadedScheduler(ThreadedScheduler.MaxPcpus + 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void A_vcpu_that_never_idles_does_not_starve_another_on_the_same_pcpu()
    {
        using var scheduler = new ThreadedScheduler(1);
        BusyLoop(scheduler.CreateVcpu(new DomId(1), _ => { }));
        IVcpuContext other = scheduler.CreateVcpu(new DomId(2), _ => { });
        int ran = 0;
        for (int i = 0; i < 100; i++)
        {
            other.Post(() => Interlocked.Increment(ref ran));
        }

        Assert.That(scheduler.RunUntil(() => Volatile.Read(ref ran) == 100, Limit), Is.True);
    }

    [Test]
    public void Timers_of_many_vcpus_fire_on_their_own_vcpu_and_never_early()
    {
        using var scheduler = new ThreadedScheduler(2);
        const int Vcpus = 100;
        ulong start = scheduler.NowNs;
        ulong[] deadlines = new ulong[Vcpus];
        long[] firedAt = new long[Vcpus];
        int wrongVcpu = 0;
        for (int v = 0; v < Vcpus; v++)
        {
            int index = v;
            IVcpuContext vcpu = scheduler.CreateVcpu(new DomId((ushort)(v + 1)), _ => { });
            deadlines[v] = start + ((ulong)(v % 10) * 2_000_000);
            vcpu.SetTimer(deadlines[v], () =>
            {
                if (ThreadedVcpu.Current != vcpu)
                {
                    Interlocked.Increment(ref wrongVcpu);
                }

                Volatile.Write(ref firedAt[index], (long)scheduler.NowNs);
            });
        }

        Assert.That(scheduler.RunUntil(() => firedAt.All(f => f != 0), Limit), Is.True);
        Assert.That(Enumerable.Range(0, Vcpus).Where(v => (ulong)firedAt[v] < deadlines[v]), Is.Empty, "fired early");
        Assert.That(wrongVcpu, Is.Zero);
    }

    [Test]
    public void A_timer_moved_later_fires_at_the_later_deadline_only()
    {
        using var scheduler = new ThreadedScheduler(2);
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), _ => { });
        var fired = new ConcurrentQueue<(string Which, ulong At)>();
        vcpu.SetTimer(scheduler.NowNs + 5_000_000, () => fired.Enqueue(("early", scheduler.NowNs)));
        ulong later = scheduler.NowNs + 40_000_000;
        vcpu.SetTimer(later, () => fired.Enqueue(("late", scheduler.NowNs)));

        Assert.That(scheduler.RunUntil(() => !fired.IsEmpty, Limit), Is.True);
        scheduler.RunFor(TimeSpan.FromMilliseconds(20));
        Assert.That(fired.Select(f => f.Which), Is.EqualTo(new[] { "late" }));
        Assert.That(fired.Single().At, Is.GreaterThanOrEqualTo(later));
    }

    [Test]
    public void A_shut_down_vcpu_with_a_far_timer_is_not_kept_alive_by_the_scheduler()
    {
        using var scheduler = new ThreadedScheduler(2);
        WeakReference gone = CreateArmedAndShutDown(scheduler);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.That(gone.IsAlive, Is.False, "a domain destroyed with its timer armed for the far future must not be held until then");
    }

    [Test]
    public void Posting_and_running_allocate_nothing_per_item()
    {
        // One pCPU, so that the marks at either end of the run are read on the thread that ran it all.
        using var scheduler = new ThreadedScheduler(1);
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), _ => { });
        int ran = 0;
        long pcpuStart = 0;
        long pcpuAllocated = -1;
        Action work = () => ran++;
        Action markStart = () => pcpuStart = GC.GetAllocatedBytesForCurrentThread();
        Action markEnd = () => Volatile.Write(ref pcpuAllocated, GC.GetAllocatedBytesForCurrentThread() - pcpuStart);

        // The first round grows the queues and compiles the paths; the second must reuse them.
        PostAndRun();
        Volatile.Write(ref pcpuAllocated, -1);
        long posterAllocated = Allocation.Least(PostAndRun, attempts: 1);

        Assert.That(Volatile.Read(ref ran), Is.EqualTo(2000));
        Assert.That(posterAllocated, Is.Zero, "posting");
        Assert.That(Volatile.Read(ref pcpuAllocated), Is.Zero, "running");

        void PostAndRun()
        {
            vcpu.Post(markStart);
            for (int i = 0; i < 1000; i++)
            {
                vcpu.Post(work);
            }

            vcpu.Post(markEnd);
            while (Volatile.Read(ref pcpuAllocated) < 0)
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>Apart, and never inlined, so that no local of the test keeps the vCPU reachable.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference CreateArmedAndShutDown(ThreadedScheduler scheduler)
    {
        IVcpuContext vcpu = scheduler.CreateVcpu(new DomId(1), _ => { });
        vcpu.SetTimer(ulong.MaxValue - 1, () => { });
        vcpu.Shutdown();
        return new WeakReference(vcpu);
    }

    /// <summary>A guest that is never idle: it keeps reposting itself until shut down.</summary>
    private static void BusyLoop(IVcpuContext vcpu)
    {
        void Spin() => vcpu.Post(Spin);
        vcpu.Post(Spin);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen = Volatile.Read(ref target);
        while (value > seen)
        {
            int previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
