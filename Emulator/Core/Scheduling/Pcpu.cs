using System.Collections.Concurrent;

namespace XvifSim.Emulator.Scheduling;

/// <summary>
/// One physical CPU of a <see cref="ThreadedScheduler"/>: a background worker
/// thread and its run queue of woken vCPUs, as in Xen's credit2 (one run
/// queue per pCPU here, xen/common/sched/credit2.c). The loop fires due
/// timers, runs one turn of the vCPU at the head of its own queue, else steals
/// the head of another pCPU's (credit2's load balancing, done at the moment
/// a pCPU would otherwise idle), else spins briefly and then sleeps until
/// tickled or the next timer is due.
/// </summary>
internal sealed class Pcpu
{
    /// <summary>Rounds an idle pCPU spins, yielding its core, before it sleeps: the next event of a stream usually comes within microseconds, and a sleep and wake-up cost far more.</summary>
    private const int IdleSpins = 40;

    private const int Running = 0;
    private const int Spinning = 1;
    private const int Sleeping = 2;

    private readonly ThreadedScheduler _scheduler;
    private readonly Thread _thread;

    // A plain object rather than System.Threading.Lock: the worker sleeps
    // with Monitor.Wait, which Lock does not offer.
    private readonly object _gate = new();
    private int _state = Spinning;

    public Pcpu(ThreadedScheduler scheduler, int index)
    {
        _scheduler = scheduler;
        Index = index;

        // Background so that a work item that never returns cannot keep the process alive at exit.
        _thread = new Thread(Run) { IsBackground = true, Name = $"pcpu {index}" };
    }

    /// <summary>The pCPU's number, from 0.</summary>
    public int Index { get; }

    public Thread Thread => _thread;

    /// <summary>Woken vCPUs waiting for this pCPU (or a thief).</summary>
    public ConcurrentQueue<ThreadedVcpu> RunQueue { get; } = new();

    /// <summary>True while the worker is running a vCPU's turn (neither spinning nor asleep).</summary>
    public bool IsBusy => Volatile.Read(ref _state) == Running;

    /// <summary>Started apart from the constructor so that the thread never sees a half-built scheduler.</summary>
    public void Start() => _thread.Start();

    /// <summary>Wakes the worker if it sleeps (credit2's tickle). True if it was asleep.</summary>
    public bool WakeIfSleeping()
    {
        // Interlocked read: a full fence between the caller's enqueue and the
        // check, paired with the exchange in Sleep, so either the worker sees
        // the work or this sees it sleeping.
        if (Interlocked.CompareExchange(ref _state, Sleeping, Sleeping) != Sleeping)
        {
            return false;
        }

        lock (_gate)
        {
            Monitor.Pulse(_gate);
        }

        return true;
    }

    public override string ToString() => _thread.Name!;

    private void Run()
    {
        var spinner = default(SpinWait);
        while (!_scheduler.Stopping)
        {
            if (_scheduler.Timers.EarliestNs <= _scheduler.NowNs)
            {
                _scheduler.Timers.FireDue(_scheduler.NowNs);
            }

            if (_scheduler.TakeRunnable(this) is { } vcpu)
            {
                Volatile.Write(ref _state, Running);
                if (vcpu.RunTurn(this))
                {
                    _scheduler.Requeue(vcpu, this);
                }

                spinner.Reset();
                continue;
            }

            Volatile.Write(ref _state, Spinning);
            if (spinner.Count < IdleSpins)
            {
                // -1: SpinWait yields the core but never sleeps; Sleep below is the only sleep.
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            Sleep();
            spinner.Reset();
        }
    }

    /// <summary>Sleeps until tickled, the earliest timer is due, or the scheduler stops.</summary>
    private void Sleep()
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _state, Sleeping);
            _scheduler.AddSleeper(1);
            if (!_scheduler.Stopping && !_scheduler.AnyRunnable())
            {
                ulong earliestNs = _scheduler.Timers.EarliestNs;
                ulong nowNs = _scheduler.NowNs;
                if (earliestNs == ulong.MaxValue)
                {
                    Monitor.Wait(_gate);
                }
                else if (earliestNs > nowNs)
                {
                    Monitor.Wait(_gate, WaitMs(earliestNs - nowNs));
                }
            }

            _scheduler.AddSleeper(-1);
            Volatile.Write(ref _state, Spinning);
        }
    }

    /// <summary>Rounds up so that the worker never wakes before the deadline only to sleep again for 0 ms in a spin.</summary>
    private static int WaitMs(ulong remainingNs)
    {
        const ulong NsPerMs = 1_000_000;
        ulong ms = (remainingNs + NsPerMs - 1) / NsPerMs;
        return ms >= int.MaxValue ? int.MaxValue - 1 : (int)ms;
    }
}
