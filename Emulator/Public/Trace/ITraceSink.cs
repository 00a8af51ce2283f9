namespace XvifSim.Public.Trace;

/// <summary>
/// Where the choke points of the simulated Xen report protocol records
/// (docs/trace-format.md): the host installs one on the machine, and each
/// component opens its channels once (at connect time), then writes records
/// into them. With no sink installed every choke point is a null check.
/// </summary>
public interface ITraceSink
{
    /// <summary>
    /// The channel named <paramref name="name"/> (<c>hypervisor</c>,
    /// <c>xenstore/dom1</c>, <c>netif/dom1/vif0/tx</c>): the same channel for
    /// the same name, so both ends of a ring write to one time line.
    /// <paramref name="description"/> is kept from the first open.
    /// </summary>
    ITraceChannel Open(string name, string description);
}
