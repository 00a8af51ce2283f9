namespace XvifSim.Emulator.XenStore;

/// <summary>
/// What one call into the core has to do after releasing its lock: drain the
/// outbound queues it filled, then raise the notifications it collected
/// (docs/design.md, "Validate, lock, act": nothing is called back while a lock is held).
/// </summary>
internal sealed class XsDelivery
{
    private readonly List<XsConnection> _touched = [];
    private readonly List<Action> _after = [];

    public void Touch(XsConnection conn)
    {
        if (!_touched.Contains(conn))
        {
            _touched.Add(conn);
        }
    }

    public void After(Action action) => _after.Add(action);

    public void Flush()
    {
        foreach (XsConnection conn in _touched)
        {
            conn.Drain();
        }

        foreach (Action action in _after)
        {
            action();
        }
    }
}
