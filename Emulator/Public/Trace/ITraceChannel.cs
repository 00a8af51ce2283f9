namespace XvifSim.Public.Trace;

/// <summary>
/// One named time line of trace records. <see cref="Write"/> stamps the
/// record with the scheduler's clock and copies it before returning, so the
/// caller formats into a stack buffer and nothing is allocated per record.
/// Safe to call from any vCPU thread.
/// </summary>
public interface ITraceChannel
{
    /// <summary>Appends one record laid out as docs/trace-format.md says.</summary>
    void Write(ReadOnlySpan<byte> record);
}
