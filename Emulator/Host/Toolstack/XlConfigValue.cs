namespace XvifSim.Host.Toolstack;

/// <summary>A value read from an xl.cfg file, with the line it starts on (for messages).</summary>
internal sealed record XlConfigValue(XlConfigValueKind Kind, string Text, int Line, IReadOnlyList<XlConfigValue> Items)
{
    /// <summary>How messages name the kind: "a string", "a number", "a list".</summary>
    public string Describe() => Kind switch
    {
        XlConfigValueKind.String => "a string",
        XlConfigValueKind.Number => "a number",
        _ => "a list",
    };
}
