namespace XvifSim.Host;

/// <summary>
/// Something was still held after every guest was destroyed: a grant, a
/// mapping, an event channel, a zombie domain; XenStore watches and
/// transactions go with their connection, so they show as that connection's
/// port. Thrown by <see cref="XenHost.AssertNothingHeldAfterDestroy"/>.
/// </summary>
public sealed class ResourcesHeldException : Exception
{
    /// <summary>Makes the exception listing <paramref name="held"/>.</summary>
    public ResourcesHeldException(IReadOnlyList<string> held)
        : base($"still held after xl destroy of every guest: {string.Join("; ", held)}")
    {
        Held = held;
    }

    /// <summary>One line per thing held, naming its domain.</summary>
    public IReadOnlyList<string> Held { get; }
}
