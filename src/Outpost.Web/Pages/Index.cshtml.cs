using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Outpost.Web.Pages;

/// <summary>The start page is the send log.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect("/log");
}
