using XvifSim.Emulator;
using XvifSim.Emulator.Domains;
using XvifSim.Emulator.Faults;
using XvifSim.Emulator.XenStore;
using XvifSim.Host.Toolstack;
using XvifSim.Public;

namespace XvifSim.Host.Faults;

/// <summary>
/// Carries out a <see cref="FaultPlan"/> on one simulated host: answers the
/// hypervisor's fault hooks (grant map and copy, event sends, XenStore
/// requests) by installing itself as <see cref="Machine.Faults"/>, crashes
/// domains at xenbus states it watches through the store, and makes the
/// toolstack's hotplug script fail or start late (<see cref="Wrap"/>).
/// Each spec counts the operations it matches with an atomic counter, so
/// the hooks take no lock; every strike is written where it lands (the
/// struck domain's kernel log, or the toolstack's log) with the spec's text.
/// A spec that strikes often logs its first <see cref="MaxLoggedStrikes"/>
/// strikes and then one line saying the rest go unlogged (they are still
/// counted in <see cref="StrikeCount"/>).
/// </summary>
public sealed partial class FaultInjector : IFaultHooks, IDisposable
{
    /// <summary>How many strikes of one spec are logged, one line each.</summary>
    public const int MaxLoggedStrikes = 100;

    private readonly Machine _machine;
    private readonly Action<string> _toolstackLog;
    private readonly FaultSpec[] _specs;
    private readonly long[] _matches;
    private readonly long[] _strikes;

    /// <summary>
    /// Installs <paramref name="plan"/> on <paramref name="machine"/>: the
    /// hypervisor's hooks if the plan has faults there, and a store watch per
    /// crash fault. Do it before the domains it targets start.
    /// <paramref name="toolstackLog"/> receives the lines of hotplug faults.
    /// </summary>
    public FaultInjector(Machine machine, FaultPlan plan, Action<string> toolstackLog)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(toolstackLog);
        _machine = machine;
        _toolstackLog = toolstackLog;
        Plan = plan;
        _specs = [.. plan.Specs];
        _matches = new long[_specs.Length];
        _strikes = new long[_specs.Length];
        if (_specs.Any(s => s.Kind is FaultKind.GnttabMap or FaultKind.GnttabCopy or FaultKind.XenStore or FaultKind.EvtchnDrop or FaultKind.EvtchnDelay))
        {
            machine.Faults = this;
        }

        WatchCrashStates();
    }

    /// <summary>The plan being carried out.</summary>
    public FaultPlan Plan { get; }

    /// <summary>How many operations <paramref name="spec"/> (one of the plan's) has struck so far.</summary>
    public long StrikeCount(FaultSpec spec)
    {
        int index = Array.IndexOf(_specs, spec);
        if (index < 0)
        {
            throw new ArgumentException($"'{spec}' is not in this plan", nameof(spec));
        }

        return Interlocked.Read(ref _strikes[index]);
    }

    /// <summary>The toolstack's hotplug script with the plan's hotplug faults around it (itself if the plan has none).</summary>
    internal IHotplugScript Wrap(IHotplugScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return _specs.Any(s => s.Kind is FaultKind.HotplugFail or FaultKind.HotplugLate)
            ? new FaultingHotplugScript(this, script)
            : script;
    }

    /// <summary>Takes the hooks off the machine and drops the crash watches.</summary>
    public void Dispose()
    {
        if (_machine.Faults == this)
        {
            _machine.Faults = null;
        }

        StopWatching();
    }

    /// <summary>
    /// Counts one operation that <paramref name="index"/>'s spec matches and
    /// says whether the spec strikes it. Lock-free: the counters are atomic,
    /// so under the threaded scheduler two vCPUs never get the same ordinal.
    /// </summary>
    private bool Matches(int index, out long ordinal)
    {
        ordinal = Interlocked.Increment(ref _matches[index]);
        return _specs[index].Strikes(ordinal);
    }

    /// <summary>Records a strike and writes <paramref name="what"/> to <paramref name="domain"/>'s kernel log (or the toolstack's, when null), bounded per spec.</summary>
    private void Report(int index, Domain? domain, string what)
    {
        long strikes = Interlocked.Increment(ref _strikes[index]);
        string? line = strikes <= MaxLoggedStrikes
            ? $"fault injected: {what} [{_specs[index].Text}]"
            : strikes == MaxLoggedStrikes + 1
                ? $"fault injected: more strikes of [{_specs[index].Text}] are not logged"
                : null;
        if (line is null)
        {
            return;
        }

        if (domain is null)
        {
            _toolstackLog(line);
        }
        else
        {
            _machine.Console.Write(domain, line);
        }
    }

    /// <summary>The scheduler a late hotplug script waits on.</summary>
    internal Emulator.Scheduling.IScheduler Scheduler => _machine.Scheduler;

    /// <summary>
    /// The first spec of <paramref name="kind"/> naming vif
    /// <paramref name="guest"/>/<paramref name="handle"/>, logged to the
    /// toolstack's log as struck; null if none does.
    /// </summary>
    internal FaultSpec? StrikeHotplug(FaultKind kind, ushort guest, int handle)
    {
        for (int i = 0; i < _specs.Length; i++)
        {
            FaultSpec spec = _specs[i];
            if (spec.Kind == kind && spec.Domain?.Value == guest && spec.Vif == handle)
            {
                Report(i, null, kind == FaultKind.HotplugFail
                    ? $"libxl: vif {guest}/{handle}: hotplug script made to fail"
                    : $"libxl: vif {guest}/{handle}: hotplug script starts {spec.Delay.TotalMilliseconds} ms late");
                return spec;
            }
        }

        return null;
    }

    /// <summary>The domain of <paramref name="id"/> for a log line, if it is still there.</summary>
    private Domain? Find(DomId id) => _machine.TryGetDomain(id, out Domain domain) ? domain : null;
}
