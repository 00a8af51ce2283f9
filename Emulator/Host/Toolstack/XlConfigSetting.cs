namespace XvifSim.Host.Toolstack;

/// <summary>One <c>key = value</c> statement of an xl.cfg file and the line its key is on.</summary>
internal sealed record XlConfigSetting(string Key, XlConfigValue Value, int Line);
