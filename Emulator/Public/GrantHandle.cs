namespace XvifSim.Public;

/// <summary>A grant mapping handle, grant_table.h's <c>grant_handle_t</c> (u32): an index into the mapper's maptrack.</summary>
public readonly record struct GrantHandle(uint Value)
{
    /// <summary>handle N.</summary>
    public override string ToString() => $"handle {Value}";
}
