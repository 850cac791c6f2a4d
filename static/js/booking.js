// The booking form: a tapped free time fills in From and Until; typing a
// time of one's own lets go of the tapped one. (Without JavaScript the
// tapped time is used when the form is sent.)
document.addEventListener("change", (event) => {
  const slot = event.target.closest("input[name=slot]");
  if (!slot) {
    return;
  }
  const start = document.getElementById("id_start_time");
  const end = document.getElementById("id_end_time");
  if (start && end) {
    start.value = slot.dataset.start;
    end.value = slot.dataset.end;
  }
});
document.addEventListener("input", (event) => {
  if (event.target.id === "id_start_time" || event.target.id === "id_end_time") {
    document.querySelectorAll("input[name=slot]:checked").forEach((slot) => {
      slot.checked = false;
    });
  }
});
