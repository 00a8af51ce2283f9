namespace XvifSim.Tests.Host.Trace;

/// <summary>One frame of <see cref="TraceRecords.Read"/>: its fields by name, empty when absent.</summary>
internal sealed class TraceRow(string[] values)
{
    public string this[string field]
    {
        get
        {
            int index = Array.IndexOf(TraceRecords.Fields, field);
            if (index < 0)
            {
                throw new ArgumentException($"{field} is not read", nameof(field));
            }

            return index < values.Length ? values[index] : "";
        }
    }

    public int Number => int.Parse(this["frame.number"], System.Globalization.CultureInfo.InvariantCulture);

    public string Interface => this["frame.interface_name"];

    public int Int(string field) => int.Parse(this[field], System.Globalization.CultureInfo.InvariantCulture);

    public bool Has(string field) => this[field].Length > 0;

    public override string ToString() => $"#{this["frame.number"]} {Interface}: {this["_ws.col.Info"]}";
}
