namespace XvifSim.Guest.Net;

/// <summary>
/// What `ifconfig -v` / `netstat -i` show for an interface (NetBSD's if_data):
/// packets and bytes each way, errors, and drops. Updated only on the owning
/// domain's vCPU; read from anywhere (values may lag by a frame).
/// </summary>
public sealed class InterfaceCounters
{
    /// <summary>Frames received (if_ipackets).</summary>
    public long InPackets;
    /// <summary>Bytes received (if_ibytes).</summary>
    public long InBytes;
    /// <summary>Receive errors the driver counted (if_ierrors).</summary>
    public long InErrors;
    /// <summary>Frames received and dropped (if_iqdrops).</summary>
    public long InDrops;
    /// <summary>Frames sent (if_opackets).</summary>
    public long OutPackets;
    /// <summary>Bytes sent (if_obytes).</summary>
    public long OutBytes;
    /// <summary>Send errors the driver counted (if_oerrors).</summary>
    public long OutErrors;
    /// <summary>Frames dropped on the way out (not up, not running, or refused by the driver).</summary>
    public long OutDrops;

    /// <summary>All counters on one line, netstat-style.</summary>
    public override string ToString() =>
        $"in {InPackets} pkts {InBytes} B, {InErrors} errs, {InDrops} drops; out {OutPackets} pkts {OutBytes} B, {OutErrors} errs, {OutDrops} drops";
}
