using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Scheduling;
using XvifSim.Emulator.XenStore;
using XvifSim.Guest;
using XvifSim.Guest.Xenbus;
using XvifSim.Host.Toolstack;

namespace XvifSim.Tests.Guest.Xenbus;

/// <summary>
/// A machine with xenstored, the toolstack's layout for dom0 and each guest
/// (DomainDirectories), and a kernel and xenbus client per domain. Guest code
/// runs as async bodies on the domain's vCPU; an exception in a body (an
/// assertion included) is recorded and rethrown on the test thread, since
/// an async void lambda would otherwise crash the domain and leave the test
/// waiting for its timeout.
/// </summary>
internal sealed class XenbusTestBed : IDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<Exception> _failures = new();
    private int _running;

    public XenbusTestBed(bool threaded = false, int seed = 1)
    {
        Threaded = threaded;
        Machine = new Machine(threaded ? new ThreadedScheduler() : new DeterministicScheduler(seed));
        Machine.XenStore.Logged += Logged.Enqueue;
        Store = new XsHostClient(Machine.XenStore.Core);
        DomainDirectories.WriteDom0(Store);
        Dom0 = Attach(Machine.Dom0, "dom0");
    }

    public bool Threaded { get; }

    public Machine Machine { get; }

    /// <summary>The toolstack's privileged store client, straight into the core (no ring).</summary>
    public XsHostClient Store { get; }

    public XenbusGuest Dom0 { get; }

    /// <summary>What xenstored logged.</summary>
    public ConcurrentQueue<string> Logged { get; } = new();

    /// <summary>A new guest with its home laid out, and a kernel and client on its ring.</summary>
    public XenbusGuest AddGuest(string name) => Attach(AddBareGuest(name), name);

    /// <summary>A new guest with its home laid out but no kernel: the test drives its ring page by hand.</summary>
    public Domain AddBareGuest(string name)
    {
        Domain domain = Machine.CreateDomain(new DomainConfig(name));
        DomainDirectories.WriteGuest(Store, domain.Id, name);
        return domain;
    }

    /// <summary>Queues <paramref name="body"/> on <paramref name="guest"/>'s vCPU; awaits in it resume there.</summary>
    public void Start(XenbusGuest guest, Func<Task> body)
    {
        Interlocked.Increment(ref _running);
        guest.Kernel.Run(async () =>
        {
            try
            {
                await body();
            }
            catch (Exception e)
            {
                _failures.Enqueue(e);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        });
    }

    /// <summary>Runs until every started body has finished; fails the test if one threw or time ran out.</summary>
    public void RunAll()
    {
        bool finished = Machine.Scheduler.RunUntil(() => Volatile.Read(ref _running) == 0 || !_failures.IsEmpty, Limit);
        ThrowFailures();
        Assert.That(finished, Is.True, "guest work did not finish");
    }

    /// <summary><see cref="Start"/> then <see cref="RunAll"/>.</summary>
    public void Run(XenbusGuest guest, Func<Task> body)
    {
        Start(guest, body);
        RunAll();
    }

    /// <summary>Runs until <paramref name="condition"/> holds; fails the test if a body threw or time ran out.</summary>
    public void RunUntil(Func<bool> condition, string what)
    {
        bool held = Machine.Scheduler.RunUntil(() => condition() || !_failures.IsEmpty, Limit);
        ThrowFailures();
        Assert.That(held, Is.True, what);
    }

    /// <summary>Lets everything queued run (deterministic: until idle; threaded: a short while).</summary>
    public void Settle()
    {
        if (Threaded)
        {
            Machine.Scheduler.RunFor(TimeSpan.FromMilliseconds(100));
        }
        else
        {
            Machine.Scheduler.RunUntil(() => false, Limit);
        }

        ThrowFailures();
    }

    public void Dispose()
    {
        Store.Dispose();
        Machine.Dispose();
    }

    private static XenbusGuest Attach(Domain domain, string name)
    {
        var kernel = new GuestKernel(domain.Hypercalls, name);
        return new XenbusGuest(domain, kernel, new XenbusClient(kernel));
    }

    private void ThrowFailures()
    {
        if (_failures.TryPeek(out Exception? failure))
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}
