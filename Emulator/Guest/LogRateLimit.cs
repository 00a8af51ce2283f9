namespace XvifSim.Guest;

/// <summary>
/// A rate check for log lines a guest can trigger (a malformed request, a
/// failed grant copy): NetBSD's ppsratecheck(9) on the vCPU's system time, at
/// most <see cref="PerSecond"/> lines in each one-second window, a window
/// opening at the first line after the previous one has run a full second.
/// When a window opens after lines were suppressed, one line
/// "&lt;prefix&gt;: N messages suppressed" is written first, as Linux's
/// ___ratelimit reports "N callbacks suppressed". The caller formats its line
/// only after <see cref="Allow"/> says yes, so a suppressed line costs no
/// allocation. Used only on its domain's vCPU (no lock).
/// </summary>
public sealed class LogRateLimit
{
    /// <summary>Linux's DEFAULT_RATELIMIT_BURST: lines allowed in one window.</summary>
    public const int DefaultPerSecond = 10;

    private const ulong WindowNs = 1_000_000_000;

    private readonly GuestKernel _kernel;
    private readonly string _prefix;
    private ulong _windowStartNs;
    private int _inWindow;
    private bool _started;
    private long _unreported;

    /// <param name="kernel">The kernel whose clock and console are used.</param>
    /// <param name="prefix">Starts the suppressed-count line (an interface name).</param>
    /// <param name="perSecond">Lines allowed in each one-second window (at least 1).</param>
    public LogRateLimit(GuestKernel kernel, string prefix, int perSecond = DefaultPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        _kernel = kernel;
        _prefix = prefix;
        PerSecond = perSecond;
    }

    /// <summary>Lines allowed in each one-second window.</summary>
    public int PerSecond { get; }

    /// <summary>Lines allowed so far.</summary>
    public long Allowed { get; private set; }

    /// <summary>Lines suppressed so far (reported or not yet).</summary>
    public long Suppressed { get; private set; }

    /// <summary>
    /// True if one more line may be written now; the caller then writes it.
    /// False counts the line as suppressed.
    /// </summary>
    public bool Allow()
    {
        ulong now = _kernel.Hypercalls.Vcpu.SystemTimeNs;
        if (!_started || now - _windowStartNs >= WindowNs)
        {
            _started = true;
            _windowStartNs = now;
            _inWindow = 0;
            if (_unreported > 0)
            {
                _kernel.Log($"{_prefix}: {_unreported} messages suppressed");
                _unreported = 0;
            }
        }

        if (_inWindow < PerSecond)
        {
            _inWindow++;
            Allowed++;
            return true;
        }

        _unreported++;
        Suppressed++;
        return false;
    }
}
