namespace XvifSim.Public.Trace;

/// <summary>Which ring a ring record is about; it says how the entry bytes decode (netif.h).</summary>
public enum TraceRingKind : byte
{
    NetifTx = 1,
    NetifRx = 2,
}
