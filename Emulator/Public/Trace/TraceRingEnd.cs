namespace XvifSim.Public.Trace;

/// <summary>Which end of a split device wrote a record.</summary>
public enum TraceRingEnd : byte
{
    Frontend = 0,
    Backend = 1,
}
