using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Hosting;

namespace Outpost.Web.Pages;

/// <summary>For operators: the same findings as <c>outpost doctor</c>, each with how to fix it.</summary>
public sealed class DoctorModel(Doctor doctor) : PageModel
{
    public IReadOnlyList<DoctorFinding> Findings { get; private set; } = [];

    public async Task OnGetAsync() => Findings = await doctor.RunAsync(HttpContext.RequestAborted);
}
