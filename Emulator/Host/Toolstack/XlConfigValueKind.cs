namespace XvifSim.Host.Toolstack;

/// <summary>The kinds of value xl.cfg(5) allows on the right of <c>=</c>.</summary>
internal enum XlConfigValueKind
{
    /// <summary>"text" or 'text'.</summary>
    String,

    /// <summary>A bare decimal integer.</summary>
    Number,

    /// <summary>[ value, value, ... ], possibly across lines.</summary>
    List,
}
