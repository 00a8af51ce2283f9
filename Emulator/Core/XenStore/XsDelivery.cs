namespace XvifSim.Emulator.XenStore;

/// <summary>
/// What one call into the core has to do after releasing its lock: raise the
/// notifications it collected, then drain the outbound queues it filled
/// (docs/design.md, "Validate, lock, act": nothing is called back while a lock is held).
/// Notifications go first so that a client holding the reply knows they
/// happened: C xenstored logs XS_CONTROL print (control.c do_control_print)
/// and introduces a domain before it sends the ack.
/// Each thread keeps one spare for its next call, so a request allocates
/// none; a call made from inside a sink (re-entering the core) finds the
/// spare taken and makes its own.
/// </summary>
internal sealed class XsDelivery
{
    [ThreadStatic]
    private static XsDelivery? t_spare;

    private readonly List<XsConnection> _touched = [];
    private readonly List<Action> _after = [];

    /// <summary>This thread's spare, or a new one when it is in use further up the stack.</summary>
    public static XsDelivery Rent()
    {
        XsDelivery delivery = t_spare ?? new XsDelivery();
        t_spare = null;
        return delivery;
    }

    public void Touch(XsConnection conn)
    {
        if (!_touched.Contains(conn))
        {
            _touched.Add(conn);
        }
    }

    public void After(Action action) => _after.Add(action);

    /// <summary>Delivers, then becomes the thread's spare again (also if a sink throws).</summary>
    public void Flush()
    {
        try
        {
            foreach (Action action in _after)
            {
                action();
            }

            foreach (XsConnection conn in _touched)
            {
                conn.Drain();
            }
        }
        finally
        {
            _touched.Clear();
            _after.Clear();
            t_spare = this;
        }
    }
}
