document.getElementById('js-ran').textContent = 'yes';
