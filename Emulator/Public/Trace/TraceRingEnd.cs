namespace XvifSim.Public.Trace;

/// <summary>Which end of a split device wrote a record.</summary>
public enum TraceRingEnd : byte
{
    /// <summary>The frontend, xennet(4) in a guest.</summary>
    Frontend = 0,
    /// <summary>The backend, xvif(4) in dom0.</summary>
    Backend = 1,
}
