namespace XvifSim.Guest.Net;

/// <summary>
/// What `ifconfig -v` / `netstat -i` show for an interface (NetBSD's if_data):
/// packets and bytes each way, errors, and drops. Updated only on the owning
/// domain's vCPU; read from anywhere (values may lag by a frame).
/// </summary>
public sealed class InterfaceCounters
{
    public long InPackets;
    public long InBytes;
    public long InErrors;
    public long InDrops;
    public long OutPackets;
    public long OutBytes;
    public long OutErrors;
    public long OutDrops;

    public override string ToString() =>
        $"in {InPackets} pkts {InBytes} B, {InErrors} errs, {InDrops} drops; out {OutPackets} pkts {OutBytes} B, {OutErrors} errs, {OutDrops} drops";
}
