namespace XvifSim.Public.Trace;

/// <summary>The record type byte at offset 1 of every trace record (docs/trace-format.md).</summary>
public enum TraceRecordType : byte
{
    XsMessage = 1,
    XenbusState = 2,
    RingEntry = 3,
    RingIndex = 4,
    GnttabCopy = 5,
    GnttabMap = 6,
    GnttabUnmap = 7,
    Evtchn = 8,
}
