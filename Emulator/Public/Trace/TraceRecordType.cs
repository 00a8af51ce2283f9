namespace XvifSim.Public.Trace;

/// <summary>The record type byte at offset 1 of every trace record (docs/trace-format.md).</summary>
public enum TraceRecordType : byte
{
    /// <summary>XS_MESSAGE: one XenStore message (<see cref="TraceRecord.XsPayloadOffset"/>).</summary>
    XsMessage = 1,
    /// <summary>XENBUS_STATE: one xenbus state change (<see cref="TraceRecord.XenbusPathOffset"/>).</summary>
    XenbusState = 2,
    /// <summary>RING_ENTRY: one shared-ring entry (<see cref="TraceRecord.RingEntryOffset"/>).</summary>
    RingEntry = 3,
    /// <summary>RING_INDEX: one shared-ring index move (<see cref="TraceRecord.RingIndexSize"/>).</summary>
    RingIndex = 4,
    /// <summary>GNTTAB_COPY: one GNTTABOP_copy element (<see cref="TraceRecord.GnttabCopySize"/>).</summary>
    GnttabCopy = 5,
    /// <summary>GNTTAB_MAP: one GNTTABOP_map_grant_ref (<see cref="TraceRecord.GnttabMapSize"/>).</summary>
    GnttabMap = 6,
    /// <summary>GNTTAB_UNMAP: one GNTTABOP_unmap_grant_ref (<see cref="TraceRecord.GnttabUnmapSize"/>).</summary>
    GnttabUnmap = 7,
    /// <summary>EVTCHN: one event-channel operation (<see cref="TraceRecord.EvtchnSize"/>).</summary>
    Evtchn = 8,
}
